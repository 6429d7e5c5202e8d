"""The facts a customer message may state, each read from one of the case's own objects.

Every fact is typed and names its source (CONTRACT §7): ``order:SO-1`` and its lines
``order:SO-1/line:2`` (SKU, description, quantity ordered, and for a short pick the short
and picked quantities), ``shipment:SH-9`` — the shipment the exception is about, with *its*
carrier, tracking number, ETA or delivery date —, ``rma:RMA-3`` and its lines, ``option:1``
(the remediation chosen: next step, new ETA, new carrier), ``credit:<customer>`` (the credit
decision), ``customer:C-1`` (the customer and its contact) and ``event:<field>`` (a
reference the event itself carried). ``delivery_outlook`` says whether the promise still
holds (``on_time``, ``late``) or the goods are already ``delivered``.

Only what is listed here reaches the drafter: no cost, no internal code, nothing of another
customer, and only the order lines the exception is about. The claim checker then holds the
draft to exactly these facts.
"""

from __future__ import annotations

import re
from datetime import date
from typing import Final

from exdesk.domain import (
    Category,
    CreditReview,
    DraftRequest,
    ExceptionEvent,
    Fact,
    FactKind,
    FulfillmentOption,
    FulfillmentRecommendation,
    Order,
    OrderLine,
    ReturnAuthorization,
    Shipment,
)
from exdesk.domain.context import CaseContext
from exdesk.workflows.intent import (
    customer_questions,
    customer_text,
    message_locale,
    message_purpose,
)

MAX_LINES: Final = 5
"""At most this many order or return lines are stated."""

_NO_NEW_CARRIER: Final = frozenset({"cancel_duplicate"})
"""Options whose carrier does not carry anything to the customer."""
_AVAILABLE_ATTRIBUTES: Final = ("picked_qty", "confirmed_qty", "atp_qty")
"""Event attributes that say how many of the requested units could be had, best first."""
_LINE_SCOPED: Final[frozenset[Category]] = frozenset(
    {"inventory_shortage", "return_request", "shipment_damaged", "document_mismatch"}
)
"""Categories whose message is about particular lines of the order."""
_DELIVERED_MILESTONE: Final = "D1"


class _FactList:
    """Facts in the order they were found; empty values are never added."""

    def __init__(self) -> None:
        self.facts: list[Fact] = []

    def add(self, name: str, value: object, kind: FactKind, source: str) -> None:
        text = value.isoformat() if isinstance(value, date) else str(value).strip()
        if value is not None and text:
            self.facts.append(Fact(name=name, value=text, kind=kind, source=source))


def draft_request(
    case_id: str,
    category: Category,
    event: ExceptionEvent,
    context: CaseContext,
    *,
    remediation: FulfillmentRecommendation | None = None,
    credit: CreditReview | None = None,
) -> DraftRequest:
    """The drafter's input: who the customer is, the language to answer in, what the message
    is for, and the facts."""
    customer = context.customer
    written = customer_text(event, context)
    locale, locale_source = message_locale(written, context)
    return DraftRequest(
        case_id=case_id,
        category=category,
        purpose=message_purpose(category, event, written),
        tier=customer.tier if customer else "standard",
        locale=locale,
        locale_source=locale_source,
        recipient_name=customer.contact.name if customer else None,
        customer_name=customer.name if customer else None,
        questions=customer_questions(event, written),
        facts=customer_facts(
            event, context, category=category, remediation=remediation, credit=credit
        ),
    )


def customer_facts(
    event: ExceptionEvent,
    context: CaseContext,
    *,
    category: Category | None = None,
    remediation: FulfillmentRecommendation | None = None,
    credit: CreditReview | None = None,
) -> list[Fact]:
    """Every fact of the case a customer may be told, with its source."""
    facts = _FactList()
    order, customer = context.order, context.customer
    if customer is not None:
        facts.add("customer_name", customer.name, "text", f"customer:{customer.customer_id}")
        facts.add("contact_name", customer.contact.name, "text", f"customer:{customer.customer_id}")
    if order is not None:
        source = f"order:{order.order_id}"
        facts.add("order_id", order.order_id, "identifier", source)
        facts.add("promised_date", order.promised_date, "date", source)
        facts.add("ship_to_city", order.ship_to.city, "text", source)
        facts.add("order_status", order.status, "text", source)
    elif context.foreign_references or any(m.startswith("order ") for m in context.missing):
        facts.add("order_reference", "not_on_account", "text", "event:order_id")
    po_number = event.attributes.get("po_number")
    if isinstance(po_number, str):
        facts.add("po_number", po_number, "identifier", "event:po_number")
    duplicate_of = event.attributes.get("duplicate_of")
    if isinstance(duplicate_of, str):
        facts.add("duplicate_order_id", duplicate_of, "identifier", "event:duplicate_of")

    rma = return_authorization(event, context)
    if order is not None:
        for line in affected_lines(category, event, context, rma):
            _line_facts(facts, event, context, order, line)
    if rma is not None:
        _return_facts(facts, context, rma)

    shipment = affected_shipment(event, context)
    delivered_on = delivered_date(shipment) if shipment else None
    if shipment is not None:
        source = f"shipment:{shipment.shipment_id}"
        facts.add("carrier", shipment.carrier, "carrier", source)
        facts.add("tracking_number", shipment.tracking_number, "identifier", source)
        facts.add("shipment_status", shipment.status, "text", source)
        if shipment.status == "delivered":
            facts.add("delivered_date", delivered_on, "date", source)
        else:
            facts.add("eta", shipment.eta, "date", source)

    option = approved_option(remediation)
    if option is not None:
        facts.add("next_step", option.action, "text", "option:1")
        facts.add("new_eta", option.eta, "date", "option:1")
        if option.carrier and option.action not in _NO_NEW_CARRIER:
            facts.add("new_carrier", option.carrier, "carrier", "option:1")
    if credit is not None:
        facts.add("next_step", credit.action, "text", f"credit:{credit.customer_id or 'account'}")

    _outlook(facts, order, shipment, option)
    return facts.facts


def approved_option(remediation: FulfillmentRecommendation | None) -> FulfillmentOption | None:
    """The remediation the case will carry out: the top-ranked option (an edit leaves only
    the option a person chose)."""
    if remediation is None or not remediation.options:
        return None
    return remediation.options[0]


def affected_shipment(event: ExceptionEvent, context: CaseContext) -> Shipment | None:
    """The shipment the exception is about: the one the event names, else the one of the
    order's shipments whose tracking number or id the event's text quotes."""
    if context.shipment is not None:
        return context.shipment
    text = event.summary.upper()
    quoted = [
        shipment
        for shipment in context.shipments
        if shipment.tracking_number.upper() in text or shipment.shipment_id.upper() in text
    ]
    return quoted[0] if len(quoted) == 1 else None


def delivered_date(shipment: Shipment) -> date | None:
    """When a delivered shipment was delivered: its last delivery scan."""
    scans = [m for m in shipment.milestones if m.code == _DELIVERED_MILESTONE]
    if scans:
        return max(scans, key=lambda m: m.at).at.date()
    return shipment.eta if shipment.status == "delivered" else None


def return_authorization(event: ExceptionEvent, context: CaseContext) -> ReturnAuthorization | None:
    """The RMA the event is about: the one it names (attribute or text), else the one
    covering the event's SKU."""
    named = event.attributes.get("rma_id")
    for rma in context.returns:
        if rma.rma_id == named or rma.rma_id.upper() in event.summary.upper():
            return rma
    if event.sku:
        covering = (r for r in context.returns if any(x.sku == event.sku for x in r.lines))
        return next(covering, None)
    return None


def affected_lines(
    category: Category | None,
    event: ExceptionEvent,
    context: CaseContext,
    rma: ReturnAuthorization | None,
) -> list[OrderLine]:
    """The order lines the message is about: the RMA's SKUs, the event's SKU, or — for a
    return the customer describes in words — the lines whose item the text names."""
    order = context.order
    if order is None or (category is not None and category not in _LINE_SCOPED):
        return []
    skus = {line.sku for line in rma.lines} if rma is not None else set()
    if not skus and event.sku:
        skus = {event.sku}
    if skus:
        lines = [line for line in order.lines if line.sku in skus]
    elif category == "return_request":
        lines = [line for line in order.lines if _item_named(context, line, event.summary)]
    else:
        lines = []
    return lines[:MAX_LINES]


def _words(text: str) -> set[str]:
    return {word.rstrip("s") for word in re.findall(r"[a-záéíóúñäöüß]+", text.casefold())}


def _item_named(context: CaseContext, line: OrderLine, text: str) -> bool:
    """Whether ``text`` names the line's item: every word of the description's head (the
    part before its first comma, e.g. "Wedge Anchor") appears in it, plurals allowed."""
    sku = context.sku(line.sku)
    if sku is None:
        return False
    head = _words(sku.description.split(",", 1)[0])
    return bool(head) and head <= _words(text)


def short_quantity(event: ExceptionEvent, line: OrderLine) -> tuple[int, int] | None:
    """(short, available) units of a short pick on ``line``, from the event's quantities."""
    if event.sku != line.sku:
        return None
    requested = event.attributes.get("requested_qty", line.qty)
    available = next(
        (v for k in _AVAILABLE_ATTRIBUTES if isinstance(v := event.attributes.get(k), int)), None
    )
    if not isinstance(requested, int) or available is None or available >= requested:
        return None
    return requested - available, available


def _line_facts(
    facts: _FactList,
    event: ExceptionEvent,
    context: CaseContext,
    order: Order,
    line: OrderLine,
) -> None:
    source = f"order:{order.order_id}/line:{line.line_no}"
    sku = context.sku(line.sku)
    facts.add("sku", line.sku, "identifier", source)
    facts.add("description", sku.description if sku else None, "text", source)
    facts.add("qty_ordered", line.qty, "quantity", source)
    short = short_quantity(event, line)
    if short is not None:
        facts.add("short_qty", short[0], "quantity", source)
        facts.add("available_qty", short[1], "quantity", source)
    requested = event.attributes.get("requested_qty")
    if event.sku == line.sku and isinstance(requested, int) and short is None:
        facts.add("requested_qty", requested, "quantity", "event:requested_qty")


def _return_facts(facts: _FactList, context: CaseContext, rma: ReturnAuthorization) -> None:
    source = f"rma:{rma.rma_id}"
    facts.add("rma_id", rma.rma_id, "identifier", source)
    facts.add("return_window_days", rma.window_days, "quantity", source)
    facts.add("rma_status", rma.status, "text", source)
    for number, line in enumerate(rma.lines[:MAX_LINES], 1):
        line_source = f"{source}/line:{line.line_no or number}"
        sku = context.sku(line.sku)
        facts.add("return_sku", line.sku, "identifier", line_source)
        facts.add("return_description", sku.description if sku else None, "text", line_source)
        facts.add("return_qty", line.qty, "quantity", line_source)


def _outlook(
    facts: _FactList,
    order: Order | None,
    shipment: Shipment | None,
    option: FulfillmentOption | None,
) -> None:
    """Whether the promise still holds, judged on the date the customer will now get the
    goods: the chosen option's ETA, else the shipment's; or that they have them already."""
    if option is not None and option.eta is not None:
        expected, source = option.eta, "option:1"
    elif shipment is not None and shipment.status == "delivered":
        facts.add("delivery_outlook", "delivered", "text", f"shipment:{shipment.shipment_id}")
        return
    elif shipment is not None and shipment.eta is not None:
        expected, source = shipment.eta, f"shipment:{shipment.shipment_id}"
    else:
        return
    if order is not None:
        late = expected > order.promised_date
        facts.add("delivery_outlook", "late" if late else "on_time", "text", source)
