"""X12 855 Purchase Order Acknowledgment → a ``po_acknowledgment`` extraction.

Each PO1 loop restates the ordered line; its ACK segments say what the supplier does with
it. Lines are reported with the acknowledged quantity; rejected, changed and held lines
become discrepancies against the PO as the 855 restates it.
"""

from __future__ import annotations

from decimal import Decimal

from exdesk.agents.document_extractor.interpretation import Interpretation
from exdesk.agents.document_extractor.values import money, money_text, qty_text, same_quantity
from exdesk.agents.document_extractor.x12.codes import (
    HELD_LINE_STATUSES,
    LINE_ACK_STATUS,
    PO_ACK_TYPES,
    REJECTED_LINE_STATUSES,
    describe,
)
from exdesk.agents.document_extractor.x12.common import (
    HEADER_FIELDS,
    ProductIds,
    check_line_count,
    currency_code,
    cut_loops,
    dates,
    first_segment,
    product_ids,
    quantity,
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
from exdesk.domain import (
    AckStatus,
    Discrepancy,
    DiscrepancyKind,
    ExtractedFields,
    ExtractedLine,
    LineStatus,
)

_REJECTING_ACK_TYPES = frozenset({"RD", "RF", "RJ", "RO"})
_CHANGE_STATUSES = frozenset({"IQ", "IC", "IP", "IS"})


def interpret_po_acknowledgment(transaction: TransactionSet) -> Interpretation:
    """Read BAK, parties, PO1 lines with their ACK statuses, and CTT of an 855."""
    loops = cut_loops(transaction.body(), "PO1", ("CTT", "AMT"))
    result = Interpretation(
        doc_type="po_acknowledgment", format="x12", fields=ExtractedFields(), transaction_set="855"
    )
    fields = result.fields
    details = fields.extra
    bak = first_segment(loops.heading, "BAK")
    ack_type = ""
    if bak is None:
        result.warnings.append("855 has no BAK segment: no PO number")
    else:
        ack_type = bak.element(2).upper()
        fields.po_number = bak.element(3) or None
        fields.document_date = x12_date(bak.element(9)) or x12_date(bak.element(4))
        details.po_date = bak.element(4) or None
        details.seller_order_number = bak.element(8) or None
        details.acknowledgment_type = ack_type
        details.acknowledgment_type_description = describe(PO_ACK_TYPES, ack_type)
    heading_dates = dates(loops.heading)
    fields.ship_date = heading_dates.get("068") or heading_dates.get("010")
    fields.currency = currency_code(loops.heading)
    read_parties(result, loops.heading)
    details.references = references(loops.heading) or None
    read_carrier(result, first_segment(loops.heading, "TD5"))

    statuses: list[LineStatus] = []
    ordered_lines: list[ExtractedLine] = []
    line_ids: list[ProductIds] = []
    for sequence, loop in enumerate(loops.items, start=1):
        ordered, ids = read_line_item(loop[0], loop, sequence)
        acks = [s for s in loop if s.tag == "ACK"]
        line, status = _acknowledged_line(ordered, acks)
        fields.lines.append(line)
        ordered_lines.append(ordered)
        line_ids.append(ids)
        statuses.append(status)
        _report_line(result, ordered, line, status, acks)
    details.line_statuses = statuses
    record_line_ids(result, line_ids)
    fields.total_qty = total_quantity(fields.lines)
    # CTT restates the PO's lines: it is checked against the quantities as ordered
    ctt = first_segment(loops.summary, "CTT")
    counts_agree = check_line_count(result, ctt, "855", ordered_lines)
    fields.ack_status = _overall_status(ack_type, statuses)

    set_field_confidence(result, HEADER_FIELDS, counts_agree)
    if fields.ack_status is not None:
        result.confidence["ack_status"] = 0.95
    return result


def _acknowledged_line(
    ordered: ExtractedLine, acks: list[Segment]
) -> tuple[ExtractedLine, LineStatus]:
    """The line as acknowledged (ACK quantities) and its status record."""
    codes = [a.element(1).upper() for a in acks if a.element(1)]
    status = LineStatus(
        line_no=ordered.line_no,
        status=codes[0] if codes else None,
        statuses=codes,
        description="; ".join(describe(LINE_ACK_STATUS, c) for c in codes) or None,
        ordered_qty=ordered.qty,
        acknowledged_qty=ordered.qty,
    )
    if not acks:
        return ordered, status
    accepted_qty = 0.0
    any_qty = False
    for ack in acks:
        value = quantity(ack.element(2))
        if value is None:
            continue
        any_qty = True
        if ack.element(1).upper() not in REJECTED_LINE_STATUSES:
            accepted_qty += value
    if all(code in REJECTED_LINE_STATUSES for code in codes):
        acknowledged: float | None = 0.0
    elif any_qty:
        acknowledged = accepted_qty
    else:
        acknowledged = ordered.qty
    status.acknowledged_qty = acknowledged
    uom = next((a.element(3) for a in acks if a.element(3)), None) or ordered.uom
    amount = (
        money(ordered.unit_price * Decimal(str(acknowledged)))
        if ordered.unit_price is not None and acknowledged is not None
        else None
    )
    line = ordered.model_copy(update={"qty": acknowledged, "uom": uom, "amount": amount})
    return line, status


def _report_line(
    result: Interpretation,
    ordered: ExtractedLine,
    line: ExtractedLine,
    status: LineStatus,
    acks: list[Segment],
) -> None:
    """Turn a rejected, changed or held line into a discrepancy with both quantities."""
    codes = status.statuses
    accepted = all(code in ("IA", "AC", "AR") for code in codes)
    if not codes or (accepted and same_quantity(line.qty, ordered.qty)):
        return
    label = f"line {ordered.line_no}" + (f" ({ordered.sku})" if ordered.sku else "")
    why = status.description or "changed"
    if any(code in HELD_LINE_STATUSES for code in codes):
        result.discrepancies.append(
            Discrepancy(
                kind="other",
                line_no=ordered.line_no,
                sku=ordered.sku,
                expected=qty_text(ordered.qty),
                actual=qty_text(line.qty),
                message=f"{label}: {why} (855 ACK {'/'.join(codes)})",
            )
        )
        return
    kind: DiscrepancyKind = "qty"
    if "R2" in codes or "IS" in codes:
        kind = "sku"
    elif "IP" in codes and same_quantity(line.qty, ordered.qty):
        kind = "unit_price"
    expected, actual = qty_text(ordered.qty), qty_text(line.qty)
    if kind == "sku":
        substitute = product_ids(acks[0], 7).values() if acks else []
        expected, actual = ordered.sku, substitute[0] if substitute else None
    elif kind == "unit_price":
        expected, actual = None, money_text(line.unit_price)
    if kind == "qty" and expected == actual and not set(codes) & REJECTED_LINE_STATUSES:
        return
    result.self_reported.append(
        Discrepancy(
            kind=kind,
            line_no=ordered.line_no,
            sku=ordered.sku,
            expected=expected,
            actual=actual,
            message=f"{label}: {why} (855 ACK {'/'.join(codes)})",
        )
    )


def _overall_status(ack_type: str, statuses: list[LineStatus]) -> AckStatus | None:
    """accepted / partially_accepted / rejected, from BAK02 and the line statuses."""
    codes = [code for status in statuses for code in status.statuses]
    if ack_type in _REJECTING_ACK_TYPES:
        return "rejected"
    if codes and all(code in REJECTED_LINE_STATUSES for code in codes):
        return "rejected"
    if any(
        code in REJECTED_LINE_STATUSES | HELD_LINE_STATUSES | _CHANGE_STATUSES for code in codes
    ):
        return "partially_accepted"
    if ack_type == "AC":
        return "partially_accepted"
    return "accepted" if ack_type or codes else None
