"""EDIFACT ORDERS → ``purchase_order`` and ORDRSP → ``po_acknowledgment``, read as their
X12 counterparts (850, 855) are."""

from __future__ import annotations

from exdesk.agents.document_extractor.edifact.codes import (
    CHANGED_LINE_ACTIONS,
    FUNCTION_ACK_STATUS,
    LINE_ACTIONS,
    REJECTED_LINE_ACTIONS,
    RESPONSE_ACK_STATUS,
    describe,
)
from exdesk.agents.document_extractor.edifact.common import (
    ItemNumbers,
    amounts,
    check_line_count,
    dates,
    document_number,
    first,
    quantity,
    read_heading,
    read_line,
    record_line_numbers,
    references,
    set_field_confidence,
    total_quantity,
)
from exdesk.agents.document_extractor.edifact.envelope import Message
from exdesk.agents.document_extractor.interpretation import Interpretation
from exdesk.agents.document_extractor.values import lines_total, money, qty_text
from exdesk.domain import AckStatus, Discrepancy, LineStatus

_ORDERED = ("21", "113", "1", "12")
"""QTY qualifiers of an order line: ordered, to be delivered, discrete, despatched."""
_ORDER_TOTALS = ("86", "128", "79", "9")
"""MOA qualifiers of an order's total: message total, total amount, line items, payable."""


def interpret_orders(message: Message) -> Interpretation:
    """BGM number and function, dates, parties, currency, LIN lines and totals of ORDERS."""
    result, sections = read_heading(message, "purchase_order")
    fields = result.fields
    fields.po_number = document_number(sections)
    heading_dates = dates(sections.heading)
    fields.ship_date = heading_dates.get("10")
    fields.extra.requested_delivery_date = heading_dates.get("2") or heading_dates.get("64")
    numbers: list[ItemNumbers] = []
    for sequence, group in enumerate(sections.items, start=1):
        line, ids = read_line(group, sequence, _ORDERED)
        fields.lines.append(line)
        numbers.append(ids)
    record_line_numbers(result, numbers)
    fields.total_qty = total_quantity(fields.lines)
    totals = amounts(sections.summary)
    stated = next((totals[q] for q in _ORDER_TOTALS if q in totals), None)
    computed = lines_total(fields.lines)
    if stated is not None:
        fields.total_amount = money(stated)
    elif computed is not None:
        fields.total_amount = money(computed)
    set_field_confidence(result, check_line_count(result, sections.summary))
    if stated is None and computed is not None:
        result.confidence["total_amount"] = 0.9
    return result


def interpret_order_response(message: Message) -> Interpretation:
    """ORDRSP: the order it answers (RFF ON), the function code, each line's action code."""
    result, sections = read_heading(message, "po_acknowledgment")
    fields = result.fields
    details = fields.extra
    refs = references(sections.heading)
    bgm = first(sections.heading, "BGM")
    function = bgm.component(3) if bgm is not None else ""
    response_type = bgm.component(4) if bgm is not None else ""
    fields.po_number = refs.get("ON") or document_number(sections)
    details.seller_order_number = refs.get("VN")
    heading_dates = dates(sections.heading)
    fields.ship_date = heading_dates.get("10")
    details.estimated_delivery_date = heading_dates.get("2") or heading_dates.get("17")
    statuses: list[LineStatus] = []
    numbers: list[ItemNumbers] = []
    for sequence, group in enumerate(sections.items, start=1):
        line, ids = read_line(group, sequence, ("113", "21", "12", "1"))
        action = group[0].component(2)
        ordered = quantity(group, "21")
        ordered = line.qty if ordered is None else ordered
        if action in REJECTED_LINE_ACTIONS:
            line = line.model_copy(update={"qty": 0.0, "amount": None})
        fields.lines.append(line)
        numbers.append(ids)
        statuses.append(
            LineStatus(
                line_no=line.line_no,
                status=action or None,
                statuses=[action] if action else [],
                description=describe(LINE_ACTIONS, action) if action else None,
                ordered_qty=ordered,
                acknowledged_qty=line.qty,
            )
        )
        _report_line(result, line.line_no, line.sku, action, ordered, line.qty)
    details.line_statuses = statuses or None
    record_line_numbers(result, numbers)
    fields.total_qty = total_quantity(fields.lines)
    fields.ack_status = _response_status(function, response_type, statuses)
    set_field_confidence(result, check_line_count(result, sections.summary))
    if fields.ack_status is not None:
        result.confidence["ack_status"] = 0.95
    return result


def _response_status(
    function: str, response_type: str, statuses: list[LineStatus]
) -> AckStatus | None:
    """accepted / partially_accepted / rejected from BGM 1225/4343 and the line actions."""
    actions = [s.status for s in statuses if s.status]
    stated = FUNCTION_ACK_STATUS.get(function) or RESPONSE_ACK_STATUS.get(response_type)
    if stated == "rejected" or (actions and all(a in REJECTED_LINE_ACTIONS for a in actions)):
        return "rejected"
    if any(a in REJECTED_LINE_ACTIONS | CHANGED_LINE_ACTIONS for a in actions):
        return "partially_accepted"
    return stated or ("accepted" if actions else None)


def _report_line(
    result: Interpretation,
    line_no: int | None,
    sku: str | None,
    action: str,
    ordered: float | None,
    acknowledged: float | None,
) -> None:
    """A rejected or changed line, as the response itself restates the order."""
    if action not in REJECTED_LINE_ACTIONS | CHANGED_LINE_ACTIONS:
        return
    label = sku or f"line {line_no}"
    result.self_reported.append(
        Discrepancy(
            kind="qty",
            line_no=line_no,
            sku=sku,
            expected=qty_text(ordered),
            actual=qty_text(acknowledged),
            message=f"{label}: {describe(LINE_ACTIONS, action).lower()} by the supplier "
            f"(ordered {qty_text(ordered)}, confirmed {qty_text(acknowledged)})",
        )
    )
