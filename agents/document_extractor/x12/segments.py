"""X12 delimiters as the ISA segment declares them, and the segments they split a file into."""

from __future__ import annotations

from dataclasses import dataclass

from exdesk.errors import ExtractionError

_ISA_ELEMENT_COUNT = 16
_ISA_FIXED_LENGTH = 106
_LINE_BREAKS = "\r\n"


@dataclass(frozen=True)
class Separators:
    """The four delimiters of one interchange."""

    element: str
    component: str
    segment: str
    repetition: str | None = None
    """ISA11 from version 00402 on; None for older interchanges."""


@dataclass(frozen=True)
class Segment:
    """One segment: its tag, its data elements (``elements[0]`` is XX01) and where it stood."""

    tag: str
    elements: tuple[str, ...]
    position: int
    """1-based position in the interchange."""

    def element(self, number: int) -> str:
        """The value of element ``number`` (1-based), stripped; ``""`` when absent."""
        if number < 1 or number > len(self.elements):
            return ""
        return self.elements[number - 1].strip()

    def components(self, number: int, separator: str) -> list[str]:
        """The components of a composite element, split on the component separator."""
        value = self.element(number)
        return [part.strip() for part in value.split(separator)] if value else []

    def text(self) -> str:
        """The segment's values joined by spaces (for scanning free text)."""
        return " ".join(value for value in self.elements if value.strip())


def looks_like_x12(content: str) -> bool:
    """Whether the content opens with an ISA segment (after whitespace or a BOM)."""
    head = content.lstrip("\ufeff \t\r\n")
    return len(head) > 4 and head[:3].upper() == "ISA" and not head[3].isalnum()


def read_separators(content: str) -> Separators:
    """Read the delimiters from the ISA header; an unusable ISA is an ExtractionError."""
    head = content.lstrip("\ufeff \t\r\n")
    if not looks_like_x12(head):
        raise ExtractionError("not an X12 interchange: the document does not start with ISA")
    element = head[3]
    fixed = _from_fixed_length(head, element)
    found = fixed or _from_scan(head, element)
    if found is None:
        raise ExtractionError(
            "broken X12 envelope: the ISA segment is incomplete (expected 16 elements, "
            "a component separator and a segment terminator)"
        )
    component, terminator, repetition_candidate, version = found
    if terminator in (" ",) or terminator.isalnum():
        raise ExtractionError(
            f"broken X12 envelope: segment terminator {terminator!r} after ISA16 is not usable"
        )
    if component.isalnum() or component == " " or component in (element, terminator):
        raise ExtractionError(
            f"broken X12 envelope: component separator {component!r} (ISA16) is not usable"
        )
    repetition = None
    if (
        version >= "00402"
        and len(repetition_candidate) == 1
        and not repetition_candidate.isalnum()
        and repetition_candidate not in (element, component, terminator, " ")
    ):
        repetition = repetition_candidate
    return Separators(
        element=element, component=component, segment=terminator, repetition=repetition
    )


def _from_fixed_length(head: str, element: str) -> tuple[str, str, str, str] | None:
    """The separators when the ISA has its standard fixed width of 106 characters."""
    if len(head) < _ISA_FIXED_LENGTH or head[103] != element:
        return None
    parts = head[:103].split(element)
    if len(parts) != _ISA_ELEMENT_COUNT:
        return None
    return head[104], head[105], parts[11], parts[12].strip()


def _from_scan(head: str, element: str) -> tuple[str, str, str, str] | None:
    """The separators of an ISA whose elements are not padded to their fixed widths."""
    positions: list[int] = []
    for index, char in enumerate(head[: _ISA_FIXED_LENGTH * 3]):
        if char == element:
            positions.append(index)
            if len(positions) == _ISA_ELEMENT_COUNT:
                break
    if len(positions) < _ISA_ELEMENT_COUNT:
        return None
    last = positions[-1]
    if len(head) < last + 3:
        return None
    parts = head[:last].split(element)
    return head[last + 1], head[last + 2], parts[11], parts[12].strip()


def split_segments(content: str, separators: Separators) -> list[Segment]:
    """Split an interchange into segments.

    Line breaks after a terminator are dropped; when the terminator is not itself a line
    break, line breaks inside segments are line wrapping and are removed too.
    """
    body = content.lstrip("\ufeff \t\r\n")
    if separators.segment not in _LINE_BREAKS:
        body = body.replace("\r", "").replace("\n", "")
    segments: list[Segment] = []
    for raw in body.split(separators.segment):
        piece = raw.strip(_LINE_BREAKS)
        if not piece.strip():
            continue
        parts = piece.split(separators.element)
        tag = parts[0].strip().upper()
        segments.append(Segment(tag=tag, elements=tuple(parts[1:]), position=len(segments) + 1))
    return segments
