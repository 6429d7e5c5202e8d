"""The facts a customer may be told: only from the case's own objects, never a cost."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any, get_args

import pytest

from exdesk.domain import CreditAction, CreditReview, FulfillmentAction, FulfillmentRecommendation
from exdesk.domain.context import CaseContext
from exdesk.workflows.facts import approved_option, customer_facts, draft_request
from tests.support.factories import (
    make_customer,
    make_event,
    make_line,
    make_option,
    make_order,
    make_recommendation,
    make_return,
    make_shipment,
    make_sku,
)

ACTIONS: tuple[FulfillmentAction, ...] = get_args(FulfillmentAction)
CARRIER_CHANGING = {"reship", "expedite", "ship_from_alternate_dc"}


def _recommendation(*options: Any) -> FulfillmentRecommendation:
    return make_recommendation(*options)


def _full_context() -> CaseContext:
    order = make_order(
        "SO-104108",
        lines=[make_line(1, "SKU-1", 2, "10.00"), make_line(2, "SKU-2", 1, "5.00")],
        promised_date=date(2025, 3, 14),
        city="Denver",
    )
    return CaseContext(
        order=order,
        customer=make_customer(),
        shipment=make_shipment(carrier="UPS", tracking_number="1Z1", eta=date(2025, 3, 16)),
        skus=[make_sku("SKU-1", description="Blue widget"), make_sku("SKU-2", description="Bolt")],
        returns=[make_return("RMA-7", window_days=30), make_return("RMA-8", window_days=10)],
    )


def test_order_facts() -> None:
    facts = customer_facts(make_event(), _full_context())
    assert facts["order_id"] == "SO-104108"
    assert facts["promised_date"] == "2025-03-14"
    assert facts["ship_to_city"] == "Denver"
    assert facts["items"] == "2 x Blue widget; 1 x Bolt"


def test_items_are_the_events_sku_when_it_is_on_the_order() -> None:
    facts = customer_facts(make_event(sku="SKU-2"), _full_context())
    assert facts["items"] == "1 x Bolt"


def test_items_fall_back_to_every_line_when_the_events_sku_is_not_on_the_order() -> None:
    facts = customer_facts(make_event(sku="SKU-9"), _full_context())
    assert facts["items"] == "2 x Blue widget; 1 x Bolt"


def test_an_item_without_a_catalogue_entry_is_named_by_its_sku() -> None:
    context = CaseContext(order=make_order(lines=[make_line(1, "SKU-77", 4, "1.00")]))
    assert customer_facts(make_event(), context)["items"] == "4 x SKU-77"


def test_at_most_five_items_are_listed() -> None:
    lines = [make_line(n, f"SKU-{n}", n, "1.00") for n in range(1, 8)]
    context = CaseContext(order=make_order(lines=lines))
    items = customer_facts(make_event(), context)["items"].split("; ")
    assert items == [f"{n} x SKU-{n}" for n in range(1, 6)]


def test_shipment_facts() -> None:
    facts = customer_facts(make_event(), _full_context())
    assert facts["carrier"] == "UPS"
    assert facts["tracking_number"] == "1Z1"
    assert facts["new_eta"] == "2025-03-16"


def test_a_shipment_without_an_eta_states_none() -> None:
    context = CaseContext(shipment=make_shipment(eta=None))
    assert "new_eta" not in customer_facts(make_event(), context)


def test_an_empty_case_has_no_facts() -> None:
    assert customer_facts(make_event(), CaseContext()) == {}


@pytest.mark.parametrize(
    ("value", "stated"), [("PO-88", True), ("", False), (4500, False), (None, False)]
)
def test_a_po_number_the_event_states_as_text(value: object, stated: bool) -> None:
    facts = customer_facts(make_event(attributes={"po_number": value}), CaseContext())
    assert ("po_number" in facts) is stated
    if stated:
        assert facts["po_number"] == value


def test_only_the_first_return_is_stated() -> None:
    facts = customer_facts(make_event(), _full_context())
    assert facts["rma_id"] == "RMA-7"
    assert facts["return_window_days"] == "30"


def test_the_top_ranked_option_is_the_next_step_and_its_eta_the_new_eta() -> None:
    proposals = _recommendation(
        make_option("split_shipment", eta=date(2025, 3, 13)),
        make_option("backorder", eta=date(2025, 3, 30)),
    )
    facts = customer_facts(make_event(), _full_context(), remediation=proposals)
    assert facts["next_step"] == "split_shipment"
    assert facts["new_eta"] == "2025-03-13"


def test_an_edited_option_replaces_the_ranking() -> None:
    edited = make_recommendation(make_option("backorder", eta=date(2025, 4, 1)))
    facts = customer_facts(make_event(), _full_context(), remediation=edited)
    assert facts["next_step"] == "backorder"
    assert facts["new_eta"] == "2025-04-01"


def test_an_option_without_an_eta_does_not_repeat_the_shipments_old_eta() -> None:
    """The carrier's eta no longer holds once a remedy is chosen."""
    facts = customer_facts(
        make_event(), _full_context(), remediation=_recommendation(make_option())
    )
    assert facts["next_step"] == "ship_from_alternate_dc"
    assert "new_eta" not in facts


def test_a_recommendation_without_options_states_no_next_step() -> None:
    facts = customer_facts(make_event(), _full_context(), remediation=_recommendation())
    assert "next_step" not in facts
    assert facts["new_eta"] == "2025-03-16"


@pytest.mark.parametrize("action", ACTIONS)
def test_a_new_carrier_replaces_the_old_tracking_only_when_the_goods_move_again(
    action: FulfillmentAction,
) -> None:
    proposals = _recommendation(make_option(action, carrier="FedEx"))
    facts = customer_facts(make_event(), _full_context(), remediation=proposals)
    if action in CARRIER_CHANGING:
        assert facts["carrier"] == "FedEx"
        assert "tracking_number" not in facts
    else:
        assert facts["carrier"] == "UPS"
        assert facts["tracking_number"] == "1Z1"


@pytest.mark.parametrize("action", get_args(CreditAction))
def test_the_credit_decision_without_figures(action: CreditAction) -> None:
    review = CreditReview(
        action=action,
        customer_id="C-1",
        credit_limit=Decimal("54321.00"),
        balance=Decimal("12345.67"),
        order_value=Decimal("777.77"),
        exposure=Decimal("13123.44"),
        rationale="balance 12345.67 + order 777.77",
    )
    facts = customer_facts(make_event(), CaseContext(), credit=review)
    assert facts == {"next_step": action}


@pytest.mark.parametrize("action", ACTIONS)
def test_no_cost_ever_reaches_the_customer(action: FulfillmentAction) -> None:
    proposals = _recommendation(
        make_option(action, cost="987.65", carrier="FedEx", eta=date(2025, 3, 12)),
        make_option("backorder", cost="123.45"),
    )
    facts = customer_facts(make_event(), _full_context(), remediation=proposals)
    assert not any("cost" in name or "price" in name for name in facts)
    assert not any("987.65" in value or "123.45" in value for value in facts.values())


def test_another_customers_references_are_never_stated() -> None:
    context = _full_context().model_copy(
        update={
            "foreign_references": ["SO-999999"],
            "shipments": [make_shipment("SH-9", order_id="SO-999999", tracking_number="9XYZ")],
        }
    )
    event = make_event("Customer also asked about SO-999999 and tracking 9XYZ")
    facts = customer_facts(event, context)
    assert not any("SO-999999" in v or "9XYZ" in v for v in facts.values())


def test_every_fact_is_text() -> None:
    proposals = _recommendation(make_option("reship", carrier="FedEx"))
    facts = customer_facts(
        make_event(attributes={"po_number": "PO-1"}), _full_context(), remediation=proposals
    )
    assert all(isinstance(v, str) and v for v in facts.values())


def test_approved_option_with_nothing_proposed() -> None:
    assert approved_option(None) is None
    assert approved_option(_recommendation()) is None


def test_approved_option_picks_the_top_ranked() -> None:
    proposals = _recommendation(make_option("expedite"), make_option("backorder"))
    option = approved_option(proposals)
    assert option is not None
    assert option.action == "expedite"


def test_draft_request_carries_the_customers_identity() -> None:
    context = _full_context().model_copy(
        update={"customer": make_customer(tier="strategic", locale="de-DE", contact_name="Hans")}
    )
    request = draft_request("case-1", "carrier_delay", make_event(), context)
    assert request.case_id == "case-1"
    assert request.category == "carrier_delay"
    assert request.tier == "strategic"
    assert request.locale == "de-DE"
    assert request.recipient_name == "Hans"
    assert request.customer_name == "Acme Retail"
    assert request.facts == customer_facts(make_event(), context)


def test_draft_request_without_a_customer_uses_neutral_defaults() -> None:
    request = draft_request("case-2", "customer_inquiry", make_event(), CaseContext())
    assert request.tier == "standard"
    assert request.locale == "en-US"
    assert request.recipient_name is None
    assert request.customer_name is None
    assert request.facts == {}
