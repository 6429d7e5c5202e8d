"""X12 EDI: delimiters, envelopes and the transaction sets the document extractor reads."""

from exdesk.agents.document_extractor.x12.envelope import ParsedX12, TransactionSet, parse_x12
from exdesk.agents.document_extractor.x12.reader import INTERPRETERS, read_x12
from exdesk.agents.document_extractor.x12.segments import Segment, Separators, looks_like_x12

__all__ = [
    "INTERPRETERS",
    "ParsedX12",
    "Segment",
    "Separators",
    "TransactionSet",
    "looks_like_x12",
    "parse_x12",
    "read_x12",
]
