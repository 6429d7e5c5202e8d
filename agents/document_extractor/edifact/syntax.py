"""UN/EDIFACT service characters (UNA) and the segments they split an interchange into.

Without a UNA service string advice the ISO 9735 defaults apply: ``:`` between components,
``+`` between data elements, ``.`` as decimal mark, ``?`` to release the next character,
``'`` after each segment. A released character is data, never a separator.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation

from exdesk.errors import ExtractionError

_UNA_LENGTH = 9
_HEAD = re.compile(r"^\s*(?:UNA.{6}|UN[BH][^A-Za-z0-9\s])", re.DOTALL)


@dataclass(frozen=True)
class ServiceCharacters:
    """The separators of one interchange, as its UNA declares them (or the defaults)."""

    component: str = ":"
    element: str = "+"
    decimal: str = "."
    release: str | None = "?"
    segment: str = "'"


@dataclass(frozen=True)
class EdifactSegment:
    """One segment: its tag and data elements, each a tuple of components."""

    tag: str
    elements: tuple[tuple[str, ...], ...]
    position: int
    """1-based position in the interchange (UNA not counted)."""

    def component(self, element: int, component: int = 1) -> str:
        """Component ``component`` of data element ``element`` (both 1-based), or ``""``."""
        if element < 1 or element > len(self.elements):
            return ""
        parts = self.elements[element - 1]
        if component < 1 or component > len(parts):
            return ""
        return parts[component - 1].strip()

    def components(self, element: int) -> list[str]:
        """Every component of a data element (stripped)."""
        if element < 1 or element > len(self.elements):
            return []
        return [part.strip() for part in self.elements[element - 1]]

    def text(self) -> str:
        """The segment's values joined by spaces (for scanning free text)."""
        return " ".join(part for element in self.elements for part in element if part.strip())


def looks_like_edifact(content: str) -> bool:
    """Whether the content opens with UNA, UNB or UNH (after whitespace or a BOM)."""
    return bool(_HEAD.match(content.lstrip("\ufeff")))


def read_service_characters(content: str) -> tuple[ServiceCharacters, str]:
    """The interchange's service characters and the content after its UNA (if any)."""
    head = content.lstrip("\ufeff \t\r\n")
    if not head.startswith("UNA"):
        return ServiceCharacters(), head
    if len(head) < _UNA_LENGTH:
        raise ExtractionError("broken EDIFACT envelope: the UNA segment is incomplete")
    advice = head[3:_UNA_LENGTH]
    component, element, decimal, release, segment = (advice[i] for i in (0, 1, 2, 3, 5))
    characters = ServiceCharacters(
        component=component,
        element=element,
        decimal=decimal,
        release=None if release == " " else release,
        segment=segment,
    )
    used = [c for c in (component, element, segment) if c]
    if len(set(used)) != len(used) or any(c.isalnum() for c in used):
        raise ExtractionError(
            f"broken EDIFACT envelope: the UNA service characters {advice!r} are not usable"
        )
    return characters, head[_UNA_LENGTH:]


def split_segments(content: str, characters: ServiceCharacters) -> list[EdifactSegment]:
    """Split an interchange into segments, honouring the release character.

    Line breaks are not data in EDIFACT: they are dropped unless the segment terminator
    is itself a line break (then a CRLF counts as one terminator)."""
    if characters.segment in "\r\n":
        content = content.replace("\r\n", "\n").replace("\r", "\n")
        terminator = "\n"
    else:
        content = content.replace("\r", "").replace("\n", "")
        terminator = characters.segment
    segments: list[EdifactSegment] = []
    elements: list[tuple[str, ...]] = []
    components: list[str] = []
    value: list[str] = []
    released = False

    def close_component() -> None:
        components.append("".join(value))
        value.clear()

    def close_element() -> None:
        close_component()
        elements.append(tuple(components))
        components.clear()

    for char in content:
        if released:
            value.append(char)
            released = False
        elif char == characters.release:
            released = True
        elif char == terminator:
            close_element()
            _append(segments, elements)
            elements.clear()
        elif char == characters.element:
            close_element()
        elif char == characters.component:
            close_component()
        else:
            value.append(char)
    close_element()
    _append(segments, elements)
    return segments


def _append(segments: list[EdifactSegment], elements: list[tuple[str, ...]]) -> None:
    if not elements or not "".join(elements[0]).strip():
        if any("".join(e).strip() for e in elements):
            tag = ""
        else:
            return
    else:
        tag = "".join(elements[0]).strip().upper()
    segments.append(EdifactSegment(tag, tuple(elements[1:]), len(segments) + 1))


def edifact_decimal(value: str) -> Decimal | None:
    """A numeric value; EDIFACT allows a comma or a point as the decimal mark."""
    text = value.strip().replace(",", ".")
    if not text:
        return None
    try:
        number = Decimal(text)
    except InvalidOperation:
        return None
    return number if number.is_finite() else None
