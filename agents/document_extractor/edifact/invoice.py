"""EDIFACT INVOIC → an ``invoice`` extraction, read as an X12 810 is.

The summary's amounts are checked against each other: the invoice amount (MOA 77) must be
the line items (79) plus the tax (176) plus any allowances or charges stated in total (131).
"""

from __future__ import annotations

from exdesk.agents.document_extractor.edifact.common import (
    ItemNumbers,
    amounts,
    check_line_count,
    dates,
    document_number,
    read_heading,
    read_line,
    record_line_numbers,
    references,
    set_field_confidence,
    total_quantity,
)
from exdesk.agents.document_extractor.edifact.envelope import Message
from exdesk.agents.document_extractor.interpretation import Interpretation
from exdesk.agents.document_extractor.values import as_written, money, same_amount
from exdesk.domain import Discrepancy

_INVOICED = ("47", "46", "12", "21")
"""QTY qualifiers of an invoice line: invoiced, delivered, despatched, ordered."""
_TOTALS = ("77", "86", "39", "9", "128")
"""MOA qualifiers of the invoice total: invoice amount, message total, invoice total,
amount due, total amount."""


def interpret_invoice(message: Message) -> Interpretation:
    """BGM number, dates, order reference, parties, currency, lines and summary amounts."""
    result, sections = read_heading(message, "invoice")
    fields = result.fields
    details = fields.extra
    refs = references(sections.heading)
    fields.invoice_number = document_number(sections)
    fields.po_number = refs.get("ON")
    fields.bill_of_lading_number = refs.get("BM")
    fields.ship_date = dates(sections.heading).get("11")
    numbers: list[ItemNumbers] = []
    for sequence, group in enumerate(sections.items, start=1):
        line, ids = read_line(group, sequence, _INVOICED)
        fields.lines.append(line)
        numbers.append(ids)
    record_line_numbers(result, numbers)
    fields.total_qty = total_quantity(fields.lines)
    totals = amounts(sections.summary)
    stated = next((totals[q] for q in _TOTALS if q in totals), None)
    fields.total_amount = money(stated)
    lines_amount = totals.get("79")
    tax = totals.get("176") if "176" in totals else totals.get("124")
    details.subtotal = as_written(lines_amount) if lines_amount is not None else None
    details.tax = as_written(tax) if tax is not None else None
    charges = totals.get("131")
    details.discount = as_written(charges) if charges is not None and charges < 0 else None
    set_field_confidence(result, check_line_count(result, sections.summary))
    if stated is not None and lines_amount is not None and tax is not None:
        expected = lines_amount + tax + (charges or 0)
        if not same_amount(expected, stated):
            message_text = (
                f"line items {lines_amount} + tax {tax} make {expected}, the invoice amount "
                f"says {stated}"
            )
            result.warnings.append(message_text)
            result.discrepancies.append(
                Discrepancy(
                    kind="total",
                    expected=format(expected, "f"),
                    actual=format(stated, "f"),
                    message=message_text,
                )
            )
            result.confidence["total_amount"] = 0.6
    return result
