"""X12 850 Purchase Order → a ``purchase_order`` extraction."""

from __future__ import annotations

from exdesk.agents.document_extractor.interpretation import Interpretation
from exdesk.agents.document_extractor.values import lines_total, money, same_amount
from exdesk.agents.document_extractor.x12.common import (
    HEADER_FIELDS,
    X12_FIELD_CONFIDENCE,
    ProductIds,
    check_line_count,
    currency_code,
    cut_loops,
    dates,
    decimal_value,
    first_segment,
    read_carrier,
    read_line_item,
    read_parties,
    record_line_ids,
    references,
    set_field_confidence,
    total_quantity,
    x12_date,
)
from exdesk.agents.document_extractor.x12.envelope import TransactionSet
from exdesk.agents.document_extractor.x12.segments import Segment
from exdesk.domain import ExtractedFields

_SUMMARY = ("CTT", "AMT")


def interpret_purchase_order(transaction: TransactionSet) -> Interpretation:
    """Read BEG, dates, parties, carrier, PO1 lines and the CTT/AMT totals of an 850."""
    body = transaction.body()
    loops = cut_loops(body, "PO1", _SUMMARY)
    beg = first_segment(loops.heading, "BEG")
    heading_dates = dates(loops.heading)
    refs = references(loops.heading)
    result = Interpretation(
        doc_type="purchase_order",
        format="x12",
        fields=ExtractedFields(),
        transaction_set="850",
    )
    fields = result.fields
    details = fields.extra
    if beg is None:
        result.warnings.append("850 has no BEG segment: no PO number or date")
    else:
        fields.po_number = beg.element(3) or None
        fields.document_date = x12_date(beg.element(5))
        details.po_type = beg.element(2) or None
    fields.ship_date = heading_dates.get("010") or heading_dates.get("037")
    details.requested_delivery_date = heading_dates.get("002") or heading_dates.get("064")
    fields.currency = currency_code(loops.heading)
    read_parties(result, loops.heading)
    details.references = refs or None
    read_carrier(result, first_segment(loops.heading, "TD5"))

    line_ids: list[ProductIds] = []
    for sequence, loop in enumerate(loops.items, start=1):
        line, ids = read_line_item(loop[0], loop, sequence)
        fields.lines.append(line)
        line_ids.append(ids)
    record_line_ids(result, line_ids)
    counts_agree = _read_summary(result, loops.summary)
    set_field_confidence(result, (*HEADER_FIELDS, "total_qty"), counts_agree)
    return result


def _read_summary(result: Interpretation, summary: list[Segment]) -> bool:
    """Totals: quantities, the AMT total and the CTT checks; False when CTT disagrees."""
    fields = result.fields
    fields.total_qty = total_quantity(fields.lines)
    computed = lines_total(fields.lines)
    amt = next((s for s in summary if s.tag == "AMT" and s.element(1) in ("TT", "1", "GV")), None)
    stated = decimal_value(amt.element(2)) if amt is not None else None
    if stated is not None:
        fields.total_amount = money(stated)
        result.confidence["total_amount"] = X12_FIELD_CONFIDENCE
        if computed is not None and not same_amount(computed, stated):
            result.warnings.append(
                f"850 total AMT02 {stated} does not equal the sum of the PO1 lines {computed}"
            )
    elif computed is not None:
        fields.total_amount = money(computed)
        result.confidence["total_amount"] = 0.9
    return check_line_count(result, first_segment(summary, "CTT"), "850", fields.lines)
