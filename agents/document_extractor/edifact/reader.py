"""Read an EDIFACT file: envelopes, then one interpretation per message."""

from __future__ import annotations

from collections.abc import Callable

from exdesk.agents.document_extractor.edifact.acknowledgment import (
    interpret_aperak,
    interpret_contrl,
)
from exdesk.agents.document_extractor.edifact.codes import MESSAGE_NAMES
from exdesk.agents.document_extractor.edifact.common import free_text
from exdesk.agents.document_extractor.edifact.despatch_advice import interpret_despatch_advice
from exdesk.agents.document_extractor.edifact.envelope import Message, parse_edifact
from exdesk.agents.document_extractor.edifact.invoice import interpret_invoice
from exdesk.agents.document_extractor.edifact.orders import (
    interpret_order_response,
    interpret_orders,
)
from exdesk.agents.document_extractor.interpretation import Interpretation
from exdesk.domain import ExtractedFields

Interpreter = Callable[[Message], Interpretation]

INTERPRETERS: dict[str, Interpreter] = {
    "ORDERS": interpret_orders,
    "ORDRSP": interpret_order_response,
    "DESADV": interpret_despatch_advice,
    "INVOIC": interpret_invoice,
    "CONTRL": interpret_contrl,
    "APERAK": interpret_aperak,
}
"""The messages read into business fields; others are listed as ``unknown``."""


def read_edifact(content: str) -> list[Interpretation]:
    """One interpretation per message (UNH…UNT) of the file.

    Raises ExtractionError when the file holds no message or its UNA cannot be used.
    """
    parsed = parse_edifact(content)
    readings = [_interpret(message) for message in parsed.messages]
    for reading in readings:
        reading.warnings[:0] = parsed.warnings
    return readings


def _interpret(message: Message) -> Interpretation:
    interpreter = INTERPRETERS.get(message.message_type)
    if interpreter is None:
        name = MESSAGE_NAMES.get(message.message_type, "unknown message")
        reading = Interpretation(
            doc_type="unknown",
            format="edifact",
            fields=ExtractedFields(),
            transaction_set=message.message_type or None,
        )
        reading.warnings.append(
            f"EDIFACT {message.message_type} ({name}) is not interpreted: only its envelope "
            "was read"
        )
    else:
        reading = interpreter(message)
    reading.fields.sender_id = message.sender_id or None
    reading.fields.receiver_id = message.receiver_id or None
    reading.fields.extra.edifact_envelope = message.envelope()
    reading.free_text.extend(free_text(message.segments))
    return reading
