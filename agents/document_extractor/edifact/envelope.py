"""UN/EDIFACT envelopes: interchanges (UNB…UNZ), optional groups (UNG…UNE) and messages
(UNH…UNT), with their counts and control references checked as a translator would."""

from __future__ import annotations

from dataclasses import dataclass, field

from exdesk.agents.document_extractor.edifact.syntax import (
    EdifactSegment,
    ServiceCharacters,
    read_service_characters,
    split_segments,
)
from exdesk.domain import EdifactEnvelope
from exdesk.errors import ExtractionError


@dataclass
class Message:
    """One message (UNH…UNT) and the envelope it travelled in."""

    reference: str
    message_type: str
    version: str
    association_code: str
    segments: list[EdifactSegment]
    """The message's segments between UNH and UNT."""
    characters: ServiceCharacters
    syntax: str = ""
    sender_id: str = ""
    receiver_id: str = ""
    interchange_reference: str = ""
    group_reference: str = ""

    def envelope(self) -> EdifactEnvelope:
        """The envelope details as the extraction reports them."""
        return EdifactEnvelope(
            syntax=self.syntax or None,
            interchange_control_reference=self.interchange_reference or None,
            group_reference=self.group_reference or None,
            message_reference=self.reference or None,
            message_type=self.message_type or None,
            version=self.version or None,
            association_code=self.association_code or None,
        )


@dataclass
class ParsedEdifact:
    """Every message of a file, and what was wrong with its envelopes."""

    messages: list[Message]
    warnings: list[str] = field(default_factory=list)


@dataclass
class _Builder:
    characters: ServiceCharacters
    messages: list[Message] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    syntax: str = ""
    sender: str = ""
    receiver: str = ""
    interchange: str = ""
    group: str = ""
    in_interchange: bool = False
    in_group: bool = False
    count_in_interchange: int = 0
    groups_in_interchange: int = 0
    count_in_group: int = 0
    open_message: Message | None = None
    open_header: EdifactSegment | None = None

    def add(self, segment: EdifactSegment) -> None:
        handler = {
            "UNB": self._unb,
            "UNZ": self._unz,
            "UNG": self._ung,
            "UNE": self._une,
            "UNH": self._unh,
            "UNT": self._unt,
        }.get(segment.tag)
        if handler is not None:
            handler(segment)
        elif self.open_message is not None:
            self.open_message.segments.append(segment)
        elif segment.tag:
            self.warnings.append(
                f"segment {segment.tag} at position {segment.position} is outside any message "
                "and was ignored"
            )

    def _unb(self, segment: EdifactSegment) -> None:
        if self.in_interchange:
            self.warnings.append(f"interchange {self.interchange} has no UNZ")
        self.syntax = ":".join(c for c in segment.components(1) if c)
        self.sender = segment.component(2)
        self.receiver = segment.component(3)
        self.interchange = segment.component(5)
        self.in_interchange = True
        self.count_in_interchange = self.groups_in_interchange = 0

    def _unz(self, segment: EdifactSegment) -> None:
        self._close_message_if_open()
        declared, reference = segment.component(1), segment.component(2)
        counted = self.groups_in_interchange or self.count_in_interchange
        if declared.isdigit() and int(declared) != counted:
            self.warnings.append(
                f"UNZ declares {int(declared)} messages or groups in interchange "
                f"{self.interchange}, found {counted}"
            )
        if reference != self.interchange:
            self.warnings.append(
                f"interchange control reference mismatch: UNB {self.interchange} vs UNZ {reference}"
            )
        self.in_interchange = False

    def _ung(self, segment: EdifactSegment) -> None:
        self.group = segment.component(5)
        self.in_group = True
        self.count_in_group = 0
        self.groups_in_interchange += 1

    def _une(self, segment: EdifactSegment) -> None:
        self._close_message_if_open()
        declared = segment.component(1)
        if declared.isdigit() and int(declared) != self.count_in_group:
            self.warnings.append(
                f"UNE declares {int(declared)} messages in group {self.group}, found "
                f"{self.count_in_group}"
            )
        self.in_group = False
        self.group = ""

    def _unh(self, segment: EdifactSegment) -> None:
        self._close_message_if_open()
        identifier = segment.components(2) + [""] * 5
        message = Message(
            reference=segment.component(1),
            message_type=identifier[0].upper(),
            version=f"{identifier[1]}{identifier[2]}".upper(),
            association_code=identifier[4],
            segments=[],
            characters=self.characters,
            syntax=self.syntax,
            sender_id=self.sender,
            receiver_id=self.receiver,
            interchange_reference=self.interchange,
            group_reference=self.group,
        )
        self.open_message, self.open_header = message, segment
        self.messages.append(message)
        self.count_in_interchange += 1
        self.count_in_group += 1

    def _unt(self, segment: EdifactSegment) -> None:
        message, header = self.open_message, self.open_header
        if message is None or header is None:
            self.warnings.append(f"UNT at position {segment.position} closes no message")
            return
        declared, reference = segment.component(1), segment.component(2)
        counted = len(message.segments) + 2
        if declared.isdigit() and int(declared) != counted:
            self.warnings.append(
                f"UNT declares {int(declared)} segments in message {message.reference}, found "
                f"{counted}"
            )
        if reference != message.reference:
            self.warnings.append(
                f"message reference mismatch: UNH {message.reference} vs UNT {reference}"
            )
        self.open_message = self.open_header = None

    def _close_message_if_open(self) -> None:
        if self.open_message is not None:
            self.warnings.append(f"message {self.open_message.reference} has no UNT")
            self.open_message = self.open_header = None

    def finish(self) -> None:
        self._close_message_if_open()
        if self.in_interchange:
            self.warnings.append(f"interchange {self.interchange} has no UNZ")


def parse_edifact(content: str) -> ParsedEdifact:
    """Every message of an EDIFACT file; ExtractionError when there is none to read."""
    characters, body = read_service_characters(content)
    builder = _Builder(characters)
    segments = split_segments(body, characters)
    if segments and segments[0].tag == "UNH":
        builder.warnings.append("the file has no UNB interchange header")
    for segment in segments:
        builder.add(segment)
    builder.finish()
    if not builder.messages:
        raise ExtractionError("broken EDIFACT envelope: no UNH…UNT message was found")
    return ParsedEdifact(messages=builder.messages, warnings=builder.warnings)
