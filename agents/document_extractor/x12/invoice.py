"""X12 810 Invoice → an ``invoice`` extraction, with the TDS total checked against the lines."""

from __future__ import annotations

from decimal import Decimal

from exdesk.agents.document_extractor.interpretation import Interpretation
from exdesk.agents.document_extractor.values import lines_total, money, same_amount
from exdesk.agents.document_extractor.x12.common import (
    X12_FIELD_CONFIDENCE,
    ProductIds,
    check_line_count,
    currency_code,
    cut_loops,
    dates,
    decimal_value,
    first_segment,
    implied_decimal,
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
from exdesk.domain import Discrepancy, ExtractedFields

_SUMMARY = ("TDS", "CTT", "ISS", "CAD")


def interpret_invoice(transaction: TransactionSet) -> Interpretation:
    """Read BIG, references, parties, IT1 lines, TDS/TXI/SAC totals and CAD carrier."""
    loops = cut_loops(transaction.body(), "IT1", _SUMMARY)
    result = Interpretation(
        doc_type="invoice", format="x12", fields=ExtractedFields(), transaction_set="810"
    )
    fields = result.fields
    details = fields.extra
    big = first_segment(loops.heading, "BIG")
    refs = references(loops.heading)
    if big is None:
        result.warnings.append("810 has no BIG segment: no invoice number or date")
    else:
        fields.document_date = x12_date(big.element(1))
        fields.invoice_number = big.element(2) or None
        fields.po_number = big.element(4) or refs.get("PO")
        details.po_date = big.element(3) or None
        details.transaction_type = big.element(7) or None
    fields.currency = currency_code(loops.heading)
    fields.bill_of_lading_number = refs.get("BM")
    fields.tracking_number = refs.get("CN")
    details.references = refs or None
    heading_dates = dates(loops.heading)
    fields.ship_date = heading_dates.get("011")
    read_parties(result, loops.heading)

    line_charges = Decimal(0)
    line_ids: list[ProductIds] = []
    for sequence, loop in enumerate(loops.items, start=1):
        line, ids = read_line_item(loop[0], loop, sequence)
        fields.lines.append(line)
        line_ids.append(ids)
        line_charges += _allowances_and_charges(loop)
    record_line_ids(result, line_ids)
    fields.total_qty = total_quantity(fields.lines)
    _read_carrier(result, loops.summary + loops.heading)
    _check_total(result, loops.summary, line_charges)
    ctt = first_segment(loops.summary, "CTT")
    counts_agree = check_line_count(result, ctt, "810", fields.lines)
    if fields.tracking_number is not None:
        result.confidence.setdefault("tracking_number", X12_FIELD_CONFIDENCE)
    set_field_confidence(
        result,
        (
            "invoice_number",
            "document_date",
            "po_number",
            "ship_date",
            "currency",
            "ship_to_name",
            "bill_of_lading_number",
            "total_qty",
        ),
        counts_agree,
    )
    return result


def _allowances_and_charges(segments: list[Segment]) -> Decimal:
    """Charges minus allowances of the SAC segments (SAC05 carries two implied decimals)."""
    total = Decimal(0)
    for segment in segments:
        if segment.tag != "SAC":
            continue
        amount = implied_decimal(segment.element(5))
        if amount is None:
            continue
        indicator = segment.element(1).upper()
        if indicator == "A":
            total -= abs(amount)
        elif indicator == "C":
            total += amount
    return total


def _taxes(segments: list[Segment]) -> Decimal:
    return sum(
        (decimal_value(s.element(2)) or Decimal(0) for s in segments if s.tag == "TXI"),
        Decimal(0),
    )


def _read_carrier(result: Interpretation, segments: list[Segment]) -> None:
    cad = first_segment(segments, "CAD")
    if cad is None:
        return
    fields = result.fields
    scac, routing = cad.element(4), cad.element(5)
    fields.carrier = scac or routing or None
    if fields.carrier is not None:
        result.confidence["carrier"] = X12_FIELD_CONFIDENCE if scac else 0.85
    qualifier, reference = cad.element(7).upper(), cad.element(8)
    if reference and qualifier == "BM" and fields.bill_of_lading_number is None:
        fields.bill_of_lading_number = reference
    elif reference and qualifier in ("CN", "2I", "") and fields.tracking_number is None:
        fields.tracking_number = reference
        result.confidence["tracking_number"] = X12_FIELD_CONFIDENCE if qualifier else 0.8


def _check_total(result: Interpretation, summary: list[Segment], line_charges: Decimal) -> None:
    """TDS01 must equal the lines plus charges, minus allowances, plus taxes."""
    fields = result.fields
    tds = first_segment(summary, "TDS")
    stated = implied_decimal(tds.element(1)) if tds is not None else None
    if stated is None:
        result.warnings.append("810 has no TDS total")
        return
    fields.total_amount = money(stated)
    result.confidence["total_amount"] = X12_FIELD_CONFIDENCE
    merchandise = lines_total(fields.lines)
    if merchandise is None:
        return
    computed = merchandise + line_charges + _allowances_and_charges(summary) + _taxes(summary)
    if same_amount(computed, stated):
        return
    result.confidence["total_amount"] = 0.6
    message = (
        f"invoice total TDS01 {stated} does not equal the IT1 lines {merchandise} plus "
        f"allowances/charges and taxes ({computed})"
    )
    result.warnings.append(message)
    result.discrepancies.append(
        Discrepancy(
            kind="total",
            expected=format(money(computed), "f"),
            actual=format(money(stated), "f"),
            message=message,
        )
    )
