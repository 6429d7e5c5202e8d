"""X12 envelopes: ISA/IEA interchanges, GS/GE functional groups and ST/SE transaction sets.

Control-number and count mismatches are reported as warnings (the content is still read);
a file whose structure cannot be followed at all is an :class:`ExtractionError`.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from exdesk.agents.document_extractor.x12.segments import (
    Segment,
    Separators,
    looks_like_x12,
    read_separators,
    split_segments,
)
from exdesk.errors import ExtractionError

_TAG = re.compile(r"^[A-Z][A-Z0-9]{1,2}$")
_FILLER = "\r\n \t\x1a\x00"
"""What may pad a file between or after interchanges (line breaks, DOS end-of-file)."""


@dataclass
class TransactionSet:
    """One ST…SE transaction set with the envelope facts it travelled in."""

    set_id: str
    control_number: str
    segments: list[Segment]
    """From ST to SE inclusive (SE may be missing when the file is truncated)."""
    functional_id: str
    version: str
    group_control_number: str
    sender_id: str
    receiver_id: str
    interchange_control_number: str
    separators: Separators

    def body(self) -> list[Segment]:
        """The segments between ST and SE."""
        return [s for s in self.segments if s.tag not in ("ST", "SE")]

    def position_of(self, segment: Segment) -> int:
        """The segment's position counted from ST = 1 (as 997/999 acknowledgments count)."""
        return segment.position - self.segments[0].position + 1


@dataclass
class FunctionalGroup:
    """One GS…GE functional group."""

    functional_id: str
    sender_id: str
    receiver_id: str
    control_number: str
    version: str
    transactions: list[TransactionSet] = field(default_factory=list)


@dataclass
class Interchange:
    """One ISA…IEA interchange; ``ta1`` holds interchange acknowledgments it carries."""

    sender_id: str
    receiver_id: str
    control_number: str
    version: str
    usage: str
    separators: Separators
    groups: list[FunctionalGroup] = field(default_factory=list)
    ta1: list[Segment] = field(default_factory=list)


@dataclass
class ParsedX12:
    """Every interchange of a file plus what a reviewer should know about its envelopes."""

    interchanges: list[Interchange]
    warnings: list[str]

    def transactions(self) -> list[TransactionSet]:
        """All transaction sets in file order."""
        return [t for i in self.interchanges for g in i.groups for t in g.transactions]


def parse_x12(content: str) -> ParsedX12:
    """Parse a file holding one or more interchanges; raise ExtractionError when unreadable."""
    read_separators(content)
    builder = _EnvelopeBuilder()
    for index, chunk in enumerate(_interchange_chunks(content)):
        try:
            separators = read_separators(chunk)
        except ExtractionError:
            if index == 0:
                raise
            builder.warnings.append("data after the last IEA is not an interchange and was ignored")
            break
        builder.separators = separators
        for segment in split_segments(chunk, separators):
            builder.add(segment)
    builder.finish()
    if not any(i.groups or i.ta1 for i in builder.interchanges):
        raise ExtractionError("broken X12 envelope: the interchange holds no functional group")
    if not builder.transactions_seen and not any(i.ta1 for i in builder.interchanges):
        raise ExtractionError("broken X12 envelope: no ST…SE transaction set was found")
    return ParsedX12(interchanges=builder.interchanges, warnings=builder.warnings)


def _interchange_chunks(content: str) -> list[str]:
    """Cut a file into interchanges, each read with the separators its own ISA declares."""
    chunks: list[str] = []
    rest = content.lstrip("\ufeff \t\r\n")
    while rest.strip(_FILLER):
        if not looks_like_x12(rest):
            chunks.append(rest)
            break
        separators = read_separators(rest)
        trailer = re.search(
            re.escape(separators.segment) + r"[\r\n]*IEA" + re.escape(separators.element), rest
        )
        if trailer is None:
            chunks.append(rest)
            break
        end = rest.find(separators.segment, trailer.end())
        end = len(rest) if end < 0 else end + 1
        chunks.append(rest[:end])
        rest = rest[end:].lstrip(_FILLER)
    return chunks


def _same_control(a: str, b: str) -> bool:
    """Control numbers agree when equal, or equal as numbers (leading zeros are padding)."""
    a, b = a.strip(), b.strip()
    if a == b:
        return True
    return a.isdigit() and b.isdigit() and int(a) == int(b)


class _EnvelopeBuilder:
    """Walks the segments once, opening and closing envelopes and checking their trailers."""

    def __init__(self) -> None:
        self.separators = Separators(element="*", component=">", segment="~")
        self.interchanges: list[Interchange] = []
        self.warnings: list[str] = []
        self.transactions_seen = 0
        self._interchange: Interchange | None = None
        self._group: FunctionalGroup | None = None
        self._set: list[Segment] | None = None
        self._orphans = 0
        self._bad_tags = 0
        self._segment_count = 0

    def add(self, segment: Segment) -> None:
        self._segment_count += 1
        if not _TAG.match(segment.tag):
            self._bad_tags += 1
            if self._bad_tags <= 3:
                self.warnings.append(
                    f"segment at position {segment.position} starts with {segment.tag[:12]!r}, "
                    "which is not a segment tag; it was skipped"
                )
            return
        handler = {
            "ISA": self._open_interchange,
            "IEA": self._close_interchange,
            "GS": self._open_group,
            "GE": self._close_group,
            "ST": self._open_set,
            "SE": self._close_set,
            "TA1": self._interchange_ack,
        }.get(segment.tag)
        if handler is not None:
            handler(segment)
        elif self._set is not None:
            self._set.append(segment)
        else:
            self._orphans += 1
            if self._orphans <= 3:
                self.warnings.append(
                    f"segment {segment.tag} at position {segment.position} is outside any "
                    "transaction set and was ignored"
                )

    def finish(self) -> None:
        if self._bad_tags and self._bad_tags * 5 > self._segment_count:
            raise ExtractionError(
                f"broken X12 interchange: {self._bad_tags} of {self._segment_count} segments "
                "have no valid segment tag (wrong separators or corrupted data)"
            )
        self._close_set_implicitly(" (file truncated?)")
        self._close_group_implicitly()
        if self._interchange is not None:
            self.warnings.append(
                f"interchange {self._interchange.control_number} has no IEA trailer"
            )
            self._interchange = None

    def _open_interchange(self, segment: Segment) -> None:
        if self._interchange is not None:
            self.finish()
        if len(segment.elements) < 16:
            raise ExtractionError(
                f"broken X12 envelope: ISA at position {segment.position} has "
                f"{len(segment.elements)} elements, 16 expected"
            )
        self._interchange = Interchange(
            sender_id=segment.element(6),
            receiver_id=segment.element(8),
            control_number=segment.element(13),
            version=segment.element(12),
            usage=segment.element(15),
            separators=self.separators,
        )
        self.interchanges.append(self._interchange)

    def _close_interchange(self, segment: Segment) -> None:
        interchange = self._interchange
        if interchange is None:
            self.warnings.append(f"IEA at position {segment.position} closes no interchange")
            return
        self._close_set_implicitly()
        self._close_group_implicitly()
        self._check_trailer(
            segment,
            envelope="interchange",
            header_element="ISA13",
            control=interchange.control_number,
            found=len(interchange.groups),
            counted="functional group(s)",
            where=f"interchange {interchange.control_number}",
        )
        self._interchange = None

    def _open_group(self, segment: Segment) -> None:
        if self._interchange is None:
            raise ExtractionError(
                f"broken X12 envelope: GS at position {segment.position} is outside an "
                "ISA…IEA interchange"
            )
        self._close_set_implicitly()
        self._close_group_implicitly()
        self._group = FunctionalGroup(
            functional_id=segment.element(1),
            sender_id=segment.element(2),
            receiver_id=segment.element(3),
            control_number=segment.element(6),
            version=segment.element(8),
        )
        self._interchange.groups.append(self._group)

    def _close_group(self, segment: Segment) -> None:
        group = self._group
        if group is None:
            self.warnings.append(f"GE at position {segment.position} closes no functional group")
            return
        self._close_set_implicitly()
        self._check_trailer(
            segment,
            envelope="group",
            header_element="GS06",
            control=group.control_number,
            found=len(group.transactions),
            counted="transaction set(s)",
            where=f"group {group.control_number}",
        )
        self._group = None

    def _open_set(self, segment: Segment) -> None:
        if self._group is None:
            raise ExtractionError(
                f"broken X12 envelope: ST at position {segment.position} is outside a "
                "GS…GE functional group"
            )
        self._close_set_implicitly()
        self._set = [segment]

    def _close_set(self, segment: Segment) -> None:
        if self._set is None:
            self.warnings.append(f"SE at position {segment.position} closes no transaction set")
            return
        self._set.append(segment)
        header = self._set[0]
        self._check_trailer(
            segment,
            envelope="transaction set",
            header_element="ST02",
            control=header.element(2),
            found=len(self._set),
            counted="segments",
            where=f"transaction set {header.element(1)} {header.element(2)}",
        )
        self._store_set(self._set)
        self._set = None

    def _check_trailer(
        self,
        trailer: Segment,
        *,
        envelope: str,
        header_element: str,
        control: str,
        found: int,
        counted: str,
        where: str,
    ) -> None:
        """A trailer repeats its header's control number and counts what the envelope holds."""
        declared, closing = trailer.element(1), trailer.element(2)
        if not _same_control(closing, control):
            self.warnings.append(
                f"{envelope} control number mismatch: {header_element} {control} vs "
                f"{trailer.tag}02 {closing}"
            )
        if declared.isdigit() and int(declared) != found:
            self.warnings.append(
                f"{trailer.tag}01 declares {int(declared)} {counted}, found {found} in {where}"
            )

    def _close_set_implicitly(self, note: str = "") -> None:
        """A transaction set still open when its envelope ends (or another starts) has no SE."""
        if self._set is None:
            return
        header = self._set[0]
        self.warnings.append(
            f"transaction set {header.element(1)} {header.element(2)} has no SE trailer{note}"
        )
        self._store_set(self._set)
        self._set = None

    def _close_group_implicitly(self) -> None:
        """A functional group still open when its interchange ends (or another starts)."""
        if self._group is None:
            return
        self.warnings.append(f"functional group {self._group.control_number} has no GE trailer")
        self._group = None

    def _store_set(self, segments: list[Segment]) -> None:
        if self._group is None or self._interchange is None:
            self.warnings.append(
                f"transaction set {segments[0].element(2)} lies outside a functional group and "
                "was ignored"
            )
            return
        header = segments[0]
        self._group.transactions.append(
            TransactionSet(
                set_id=header.element(1),
                control_number=header.element(2),
                segments=segments,
                functional_id=self._group.functional_id,
                version=self._group.version,
                group_control_number=self._group.control_number,
                sender_id=self._interchange.sender_id,
                receiver_id=self._interchange.receiver_id,
                interchange_control_number=self._interchange.control_number,
                separators=self.separators,
            )
        )
        self.transactions_seen += 1

    def _interchange_ack(self, segment: Segment) -> None:
        if self._interchange is None:
            self.warnings.append(f"TA1 at position {segment.position} is outside an interchange")
            return
        self._interchange.ta1.append(segment)
