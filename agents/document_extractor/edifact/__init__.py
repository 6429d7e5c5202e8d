"""UN/EDIFACT: service characters, envelopes and the messages the document extractor reads
(ORDERS, ORDRSP, DESADV, INVOIC, CONTRL, APERAK)."""

from exdesk.agents.document_extractor.edifact.envelope import Message, ParsedEdifact, parse_edifact
from exdesk.agents.document_extractor.edifact.reader import INTERPRETERS, read_edifact
from exdesk.agents.document_extractor.edifact.syntax import (
    EdifactSegment,
    ServiceCharacters,
    looks_like_edifact,
)

__all__ = [
    "INTERPRETERS",
    "EdifactSegment",
    "Message",
    "ParsedEdifact",
    "ServiceCharacters",
    "looks_like_edifact",
    "parse_edifact",
    "read_edifact",
]
