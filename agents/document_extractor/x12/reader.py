"""Read an X12 file: envelopes, then one interpretation per transaction set."""

from __future__ import annotations

from collections.abc import Callable

from exdesk.agents.document_extractor.interpretation import Interpretation
from exdesk.agents.document_extractor.x12.codes import TRANSACTION_SET_NAMES
from exdesk.agents.document_extractor.x12.common import free_text
from exdesk.agents.document_extractor.x12.envelope import Interchange, TransactionSet, parse_x12
from exdesk.agents.document_extractor.x12.functional_ack import (
    interpret_functional_ack,
    interpret_interchange_ack,
)
from exdesk.agents.document_extractor.x12.invoice import interpret_invoice
from exdesk.agents.document_extractor.x12.po_acknowledgment import interpret_po_acknowledgment
from exdesk.agents.document_extractor.x12.purchase_order import interpret_purchase_order
from exdesk.agents.document_extractor.x12.ship_notice import interpret_ship_notice
from exdesk.agents.document_extractor.x12.syntax import check_syntax_notes
from exdesk.domain import ExtractedFields, X12Envelope

Interpreter = Callable[[TransactionSet], Interpretation]

INTERPRETERS: dict[str, Interpreter] = {
    "850": interpret_purchase_order,
    "855": interpret_po_acknowledgment,
    "856": interpret_ship_notice,
    "810": interpret_invoice,
    "997": interpret_functional_ack,
    "999": interpret_functional_ack,
}
"""The transaction sets read into business fields; others are listed as ``unknown``."""


def read_x12(content: str) -> list[Interpretation]:
    """One interpretation per transaction set (plus one per interchange carrying TA1s).

    Raises ExtractionError when the file is not X12 or its envelopes cannot be followed.
    """
    parsed = parse_x12(content)
    readings: list[Interpretation] = []
    for interchange in parsed.interchanges:
        if interchange.ta1:
            reading = interpret_interchange_ack(interchange.ta1)
            _stamp_interchange(reading, interchange)
            readings.append(reading)
        for group in interchange.groups:
            for transaction in group.transactions:
                readings.append(_interpret(transaction))
    for reading in readings:
        reading.warnings[:0] = parsed.warnings
    return readings


def _interpret(transaction: TransactionSet) -> Interpretation:
    interpreter = INTERPRETERS.get(transaction.set_id)
    if interpreter is None:
        name = TRANSACTION_SET_NAMES.get(transaction.set_id, "unknown transaction set")
        reading = Interpretation(
            doc_type="unknown",
            format="x12",
            fields=ExtractedFields(),
            transaction_set=transaction.set_id or None,
        )
        reading.warnings.append(
            f"X12 {transaction.set_id} ({name}) is not interpreted: only its envelope was read"
        )
    else:
        reading = interpreter(transaction)
        reading.warnings.extend(check_syntax_notes(transaction))
    fields = reading.fields
    fields.sender_id = transaction.sender_id or None
    fields.receiver_id = transaction.receiver_id or None
    fields.extra.x12_envelope = X12Envelope(
        interchange_control_number=transaction.interchange_control_number,
        group_control_number=transaction.group_control_number,
        functional_id=transaction.functional_id,
        version=transaction.version,
        transaction_set_control_number=transaction.control_number,
    )
    reading.free_text.extend(free_text(transaction))
    return reading


def _stamp_interchange(reading: Interpretation, interchange: Interchange) -> None:
    reading.fields.sender_id = interchange.sender_id or None
    reading.fields.receiver_id = interchange.receiver_id or None
    reading.fields.extra.x12_envelope = X12Envelope(
        interchange_control_number=interchange.control_number, version=interchange.version
    )
