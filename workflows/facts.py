"""The facts a customer message may state, taken from the case's own approved objects.

Fact names are the drafter's vocabulary (``order_id``, ``items``, ``new_eta``, ``carrier``,
``tracking_number``, ``next_step`` — an action code the drafter words in the customer's
language — ``rma_id``, ``return_window_days``…).

Only what is listed here reaches the drafter: no cost, no internal codes, nothing from
another customer. The draft guard then checks the draft against exactly these facts.
"""

from __future__ import annotations

from exdesk.domain import (
    Category,
    CreditReview,
    DraftRequest,
    ExceptionEvent,
    FulfillmentOption,
    FulfillmentRecommendation,
)
from exdesk.domain.context import CaseContext

MAX_ITEMS = 5


def draft_request(
    case_id: str,
    category: Category,
    event: ExceptionEvent,
    context: CaseContext,
    *,
    remediation: FulfillmentRecommendation | None = None,
    credit: CreditReview | None = None,
) -> DraftRequest:
    """The drafter's input: the customer's identity, locale and tier, and the facts."""
    customer = context.customer
    return DraftRequest(
        case_id=case_id,
        category=category,
        tier=customer.tier if customer else "standard",
        locale=customer.contact.locale if customer else "en-US",
        recipient_name=customer.contact.name if customer else None,
        customer_name=customer.name if customer else None,
        facts=customer_facts(event, context, remediation=remediation, credit=credit),
    )


def customer_facts(
    event: ExceptionEvent,
    context: CaseContext,
    *,
    remediation: FulfillmentRecommendation | None = None,
    credit: CreditReview | None = None,
) -> dict[str, str]:
    """Name → value of every fact the case holds that a customer may be told."""
    facts: dict[str, str] = {}
    order = context.order
    if order is not None:
        facts["order_id"] = order.order_id
        facts["promised_date"] = order.promised_date.isoformat()
        facts["ship_to_city"] = order.ship_to.city
        lines = [line for line in order.lines if event.sku and line.sku == event.sku] or order.lines
        described = []
        for line in lines[:MAX_ITEMS]:
            sku = context.sku(line.sku)
            described.append(f"{line.qty} x {sku.description if sku else line.sku}")
        facts["items"] = "; ".join(described)
    po_number = event.attributes.get("po_number")
    if isinstance(po_number, str) and po_number:
        facts["po_number"] = po_number
    shipment = context.shipment
    if shipment is not None:
        facts["carrier"] = shipment.carrier
        facts["tracking_number"] = shipment.tracking_number
        if shipment.eta is not None:
            facts["new_eta"] = shipment.eta.isoformat()
    option = approved_option(remediation)
    if option is not None:
        facts["next_step"] = option.action
        facts.pop("new_eta", None)
        if option.eta is not None:
            facts["new_eta"] = option.eta.isoformat()
        if option.carrier and option.action in {"reship", "expedite", "ship_from_alternate_dc"}:
            facts["carrier"] = option.carrier
            facts.pop("tracking_number", None)
    if credit is not None:
        facts["next_step"] = credit.action
    for rma in context.returns[:1]:
        facts["rma_id"] = rma.rma_id
        facts["return_window_days"] = str(rma.window_days)
    return facts


def approved_option(remediation: FulfillmentRecommendation | None) -> FulfillmentOption | None:
    """The remediation the case will carry out: the top-ranked option (an edit leaves only
    the option a person chose)."""
    if remediation is None or not remediation.options:
        return None
    return remediation.options[0]
