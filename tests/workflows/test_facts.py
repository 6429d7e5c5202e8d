"""The facts a customer may be told: typed, each from the case's own object, never a cost."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any, get_args

import pytest

from exdesk.domain import (
    CreditAction,
    CreditReview,
    Fact,
    FulfillmentAction,
    Milestone,
    ReturnAuthorization,
    ReturnLine,
)
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
ORDER = "order:SO-104108"


def _context(**changes: Any) -> CaseContext:
    order = make_order(
        "SO-104108",
        lines=[make_line(1, "SKU-1", 2, "10.00"), make_line(2, "SKU-2", 35, "5.00")],
        promised_date=date(2025, 3, 14),
        city="Denver",
    )
    context = CaseContext(
        order=order,
        customer=make_customer(),
        shipment=make_shipment(
            "SH-9", order_id="SO-104108", carrier="XPOL", tracking_number="527779200",
            eta=date(2025, 3, 16),
        ),
        skus=[
            make_sku("SKU-1", description="Wedge Anchor, Zinc Plated, 3/8 x 3 in"),
            make_sku("SKU-2", description="Corrugated Box, 32 ECT"),
        ],
    )  # fmt: skip
    return context.model_copy(update=changes)


def _by(facts: list[Fact]) -> dict[tuple[str, str], Fact]:
    return {(f.name, f.source): f for f in facts}


def _values(facts: list[Fact], name: str) -> list[str]:
    return [f.value for f in facts if f.name == name]


def _one(facts: list[Fact], name: str) -> Fact:
    (found,) = [f for f in facts if f.name == name]
    return found


def test_order_facts_name_the_order() -> None:
    facts = _by(customer_facts(make_event(), _context()))
    assert facts[("order_id", ORDER)].kind == "identifier"
    assert facts[("promised_date", ORDER)].value == "2025-03-14"
    assert facts[("promised_date", ORDER)].kind == "date"
    assert facts[("ship_to_city", ORDER)].value == "Denver"
    assert facts[("customer_name", "customer:C-1")].value == "Acme Retail"
    assert facts[("contact_name", "customer:C-1")].value == "Maria Lopez"


def test_a_short_pick_states_its_line_and_the_short_quantity() -> None:
    event = make_event(sku="SKU-2", attributes={"requested_qty": 35, "picked_qty": 23})
    facts = customer_facts(event, _context(), category="inventory_shortage")
    line = f"{ORDER}/line:2"
    by = _by(facts)
    assert by[("sku", line)].value == "SKU-2"
    assert by[("description", line)].value == "Corrugated Box, 32 ECT"
    assert by[("qty_ordered", line)].value == "35"
    assert by[("short_qty", line)].value == "12"
    assert by[("short_qty", line)].kind == "quantity"
    assert by[("available_qty", line)].value == "23"
    assert not [f for f in facts if f.source == f"{ORDER}/line:1"], "only the short line"


@pytest.mark.parametrize(
    ("attributes", "short"),
    [
        ({"requested_qty": 40, "confirmed_qty": 0}, "40"),
        ({"requested_qty": 14, "atp_qty": 0}, "14"),
        ({"requested_qty": 35, "picked_qty": 35}, None),
        ({}, None),
    ],
)
def test_the_short_quantity_comes_from_what_could_be_had(
    attributes: dict[str, int], short: str | None
) -> None:
    facts = customer_facts(
        make_event(sku="SKU-2", attributes=attributes), _context(), category="inventory_shortage"
    )
    assert _values(facts, "short_qty") == ([short] if short else [])


def test_a_delay_states_the_late_shipments_carrier_not_the_options() -> None:
    proposals = make_recommendation(make_option("expedite", carrier="CRLX", eta=date(2025, 3, 13)))
    facts = _by(customer_facts(make_event(), _context(), remediation=proposals))
    assert facts[("carrier", "shipment:SH-9")].value == "XPOL"
    assert facts[("carrier", "shipment:SH-9")].kind == "carrier"
    assert facts[("tracking_number", "shipment:SH-9")].value == "527779200"
    assert facts[("eta", "shipment:SH-9")].value == "2025-03-16"
    assert facts[("next_step", "option:1")].value == "expedite"
    assert facts[("new_eta", "option:1")].value == "2025-03-13"
    assert facts[("new_carrier", "option:1")].value == "CRLX"


def test_a_cancelled_duplicate_names_no_new_carrier() -> None:
    proposals = make_recommendation(make_option("cancel_duplicate", carrier="UPSN"))
    facts = customer_facts(make_event(), _context(), remediation=proposals)
    assert _values(facts, "new_carrier") == []


@pytest.mark.parametrize(
    ("option_eta", "shipment_eta", "outlook", "source"),
    [
        (date(2025, 3, 13), date(2025, 3, 16), "on_time", "option:1"),
        (date(2025, 3, 15), date(2025, 3, 12), "late", "option:1"),
        (None, date(2025, 3, 14), "on_time", "shipment:SH-9"),
        (None, date(2025, 3, 16), "late", "shipment:SH-9"),
    ],
)
def test_the_outlook_judges_the_date_the_customer_will_now_get_the_goods(
    option_eta: date | None, shipment_eta: date, outlook: str, source: str
) -> None:
    context = _context(shipment=make_shipment("SH-9", eta=shipment_eta))
    proposals = make_recommendation(make_option(eta=option_eta)) if option_eta else None
    found = _one(customer_facts(make_event(), context, remediation=proposals), "delivery_outlook")
    assert (found.value, found.source) == (outlook, source)


def test_a_delivered_shipment_states_its_delivery_date_not_an_eta() -> None:
    delivered = make_shipment("SH-9", eta=date(2025, 3, 8)).model_copy(
        update={
            "status": "delivered",
            "milestones": [
                Milestone(code="PU", at=datetime(2025, 3, 6, 15, tzinfo=UTC)),
                Milestone(code="D1", at=datetime(2025, 3, 9, 14, 46, tzinfo=UTC)),
            ],
        }
    )
    facts = customer_facts(make_event(), _context(shipment=delivered))
    assert _one(facts, "delivered_date").value == "2025-03-09"
    assert _values(facts, "eta") == []
    assert _one(facts, "delivery_outlook").value == "delivered"


def test_the_shipment_the_event_quotes_among_several() -> None:
    boxes = [
        make_shipment("SH-1", tracking_number="1ZAAA111", carrier="UPSN"),
        make_shipment("SH-2", tracking_number="1ZBBB222", carrier="UPSN"),
    ]
    context = _context(shipment=None, shipments=boxes)
    facts = customer_facts(make_event("box 2 (1ZBBB222) is stuck in Louisville"), context)
    assert _one(facts, "tracking_number").source == "shipment:SH-2"
    assert _values(customer_facts(make_event("a box is stuck"), context), "tracking_number") == []


def _rma(rma_id: str, sku: str, qty: int) -> ReturnAuthorization:
    return make_return(rma_id, order_id="SO-104108").model_copy(
        update={"lines": [ReturnLine(line_no=1, sku=sku, qty=qty)]}
    )


def test_a_return_states_the_rmas_lines_not_the_whole_order() -> None:
    context = _context(returns=[_rma("RMA-7", "SKU-1", 1), _rma("RMA-8", "SKU-2", 5)])
    event = make_event("RE: RMA-8 - wrong boxes", source="email")
    facts = customer_facts(event, context, category="return_request")
    by = _by(facts)
    assert by[("rma_id", "rma:RMA-8")].value == "RMA-8"
    assert by[("return_window_days", "rma:RMA-8")].kind == "quantity"
    assert by[("return_qty", "rma:RMA-8/line:1")].value == "5"
    assert by[("return_description", "rma:RMA-8/line:1")].value == "Corrugated Box, 32 ECT"
    assert by[("qty_ordered", f"{ORDER}/line:2")].value == "35"
    assert _values(facts, "rma_id") == ["RMA-8"]
    assert not [f for f in facts if f.source == f"{ORDER}/line:1"]


def test_an_rma_is_found_by_attribute_or_by_the_events_sku() -> None:
    context = _context(returns=[_rma("RMA-7", "SKU-1", 1), _rma("RMA-8", "SKU-2", 5)])
    by_attribute = make_event(attributes={"rma_id": "RMA-7"})
    by_sku = make_event(sku="SKU-2")
    assert _values(customer_facts(by_attribute, context), "rma_id") == ["RMA-7"]
    assert _values(customer_facts(by_sku, context), "rma_id") == ["RMA-8"]
    assert _values(customer_facts(make_event(), context), "rma_id") == []


def test_a_return_the_customer_describes_in_words_names_that_line() -> None:
    event = make_event("Can we send back 15 boxes of the wedge anchors?", source="email")
    facts = customer_facts(event, _context(), category="return_request")
    assert _values(facts, "description") == ["Wedge Anchor, Zinc Plated, 3/8 x 3 in"]


def test_a_return_of_part_of_a_line_states_the_quantity_asked_for() -> None:
    event = make_event(sku="SKU-2", attributes={"requested_qty": 2})
    facts = customer_facts(event, _context(), category="return_request")
    assert _one(facts, "requested_qty").value == "2"
    assert _one(facts, "requested_qty").source == "event:requested_qty"


@pytest.mark.parametrize("category", ["carrier_delay", "shipment_lost", "customer_inquiry"])
def test_messages_not_about_lines_state_no_line(category: Any) -> None:
    facts = customer_facts(make_event(sku="SKU-1"), _context(), category=category)
    assert not [f for f in facts if "/line:" in f.source]


def test_an_order_number_that_is_not_the_customers_is_noted_not_stated() -> None:
    context = CaseContext(
        customer=make_customer(),
        foreign_references=["SO-999999"],
        missing=["order SO-999999 named in the text belongs to another customer; ignored"],
    )
    facts = customer_facts(make_event("Status of SO-999999?"), context)
    assert _one(facts, "order_reference").value == "not_on_account"
    assert not any("SO-999999" in f.value for f in facts)


@pytest.mark.parametrize(
    ("value", "stated"), [("PO-88", True), ("", False), (4500, False), (None, False)]
)
def test_a_po_number_the_event_states_as_text(value: object, stated: bool) -> None:
    facts = customer_facts(make_event(attributes={"po_number": value}), CaseContext())
    assert _values(facts, "po_number") == ([value] if stated else [])


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
    assert [(f.name, f.value, f.source) for f in facts] == [("next_step", action, "credit:C-1")]


@pytest.mark.parametrize("action", ACTIONS)
def test_no_cost_ever_reaches_the_customer(action: FulfillmentAction) -> None:
    proposals = make_recommendation(
        make_option(action, cost="987.65", carrier="FXFE", eta=date(2025, 3, 12)),
        make_option("backorder", cost="123.45"),
    )
    facts = customer_facts(make_event(sku="SKU-1"), _context(), remediation=proposals)
    assert not any("cost" in f.name or "price" in f.name for f in facts)
    assert not any("987.65" in f.value or "123.45" in f.value for f in facts)
    assert not any(f.kind == "money" for f in facts)


def test_every_fact_is_typed_non_empty_and_sourced() -> None:
    proposals = make_recommendation(make_option("reship", carrier="UPSN", eta=date(2025, 3, 12)))
    event = make_event(
        sku="SKU-2", attributes={"po_number": "PO-1", "requested_qty": 35, "picked_qty": 0}
    )
    facts = customer_facts(event, _context(), category="inventory_shortage", remediation=proposals)
    assert all(f.value and f.source for f in facts)
    assert len({(f.name, f.source) for f in facts}) == len(facts)


def test_approved_option_is_the_top_ranked_or_none() -> None:
    assert approved_option(None) is None
    assert approved_option(make_recommendation()) is None
    option = approved_option(make_recommendation(make_option("expedite"), make_option("backorder")))
    assert option is not None
    assert option.action == "expedite"


def test_draft_request_carries_the_customers_identity_and_purpose() -> None:
    context = _context(
        customer=make_customer(tier="strategic", locale="de-DE", contact_name="Hans")
    )
    request = draft_request("case-1", "carrier_delay", make_event(source="tms"), context)
    assert request.case_id == "case-1"
    assert (request.category, request.purpose) == ("carrier_delay", "delay_notice")
    assert request.tier == "strategic"
    assert (request.locale, request.locale_source) == ("de-DE", "contact")
    assert request.recipient_name == "Hans"
    assert request.customer_name == "Acme Retail"
    assert request.facts == customer_facts(
        make_event(source="tms"), context, category="carrier_delay"
    )


def test_draft_request_without_a_customer_uses_neutral_defaults() -> None:
    request = draft_request("case-2", "customer_inquiry", make_event(), CaseContext())
    assert request.tier == "standard"
    assert (request.locale, request.locale_source) == ("en-US", "default")
    assert request.recipient_name is None
    assert request.facts == []
