"""Carrier delays, damaged or lost shipments, duplicates: which actions each category gets.

Dated Monday 2025-03-10; the order ships to ``west`` from DC-A (west) with a 03-14 promise.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from exdesk.agents.fulfillment_recommender import (
    FulfillmentRecommender,
    LocalFulfillmentRecommender,
    RecommendationRequest,
)
from exdesk.domain import Category, CustomerAccount, FulfillmentRecommendation
from tests.agents.fulfillment_recommender.builders import (
    customer,
    dc,
    lane,
    order,
    request,
    shipment,
    stock,
)

PROMISE = date(2025, 3, 14)
DCS = [dc("DC-A", "west"), dc("DC-B", "central")]
LANES = [
    lane("west", "west", days=1, per_shipment="8.00", per_unit="0.50"),
    lane(
        "west",
        "west",
        carrier="FDX",
        service="expedited",
        days=1,
        per_shipment="15.00",
        per_unit="1.00",
    ),
    lane("central", "west", days=3, per_shipment="12.00", per_unit="0.75"),
]
STRICT = customer(partial=False, substitution=False)


def build(
    category: Category, the_customer: CustomerAccount = STRICT, **fields: Any
) -> RecommendationRequest:
    return request(
        category,
        order([("SKU-1", 10)], promised=PROMISE),
        warehouses=DCS,
        lanes=LANES,
        the_customer=the_customer,
        **fields,
    )


def recommend(category: Category, **fields: Any) -> FulfillmentRecommendation:
    return LocalFulfillmentRecommender().recommend(build(category, **fields)).output


def test_engine_satisfies_the_contract_and_names_itself() -> None:
    recommender: FulfillmentRecommender = LocalFulfillmentRecommender()
    outcome = recommender.recommend(build("shipment_lost", inventory=[stock("DC-A", "SKU-1", 20)]))
    assert recommender.engine == "local"
    assert outcome.actor == "agent:fulfillment_recommender@local"
    assert outcome.model is None


def test_carrier_delay_that_breaks_the_promise_offers_the_carriers_options_and_a_reship() -> None:
    rec = recommend(
        "carrier_delay",
        shipment=shipment(eta=date(2025, 3, 17), carrier="FDX", service="standard"),
        inventory=[stock("DC-B", "SKU-1", 25)],
    )
    summary = [(o.action, o.warehouse_id, o.carrier, o.eta, o.total_cost) for o in rec.options]
    assert summary == [
        # FDX moves its own freight to expedited, asked Tuesday (Monday's cut-off has passed):
        # 1 day, 15.00 + 10 × 1.00
        ("expedite", "DC-A", "FDX", date(2025, 3, 12), Decimal("25.00")),
        # new goods from DC-B: ships Tuesday 03-11 (after Monday's cut-off), 3 days;
        # freight 12.00 + 10 × 0.75 and 10 × 10.00 of goods
        ("reship", "DC-B", "UPS", date(2025, 3, 14), Decimal("119.50")),
        # or wait for the delayed freight: no spend, but late
        ("monitor", None, None, date(2025, 3, 17), Decimal("0.00")),
    ]
    assert rec.options[1].goods_cost == Decimal("100.00")
    assert rec.options[0].allocations == []  # nothing new is picked
    assert "re-tender" not in rec.rationale.lower()
    assert "in FDX's network" in rec.options[0].rationale
    assert "misses the 2025-03-14 promise by 3 days" in rec.rationale


def test_only_the_carrier_holding_the_freight_can_expedite_it_on_a_faster_service() -> None:
    rec = recommend(
        "carrier_delay",
        shipment=shipment(eta=date(2025, 3, 17), carrier="UPS", service="standard"),
        inventory=[stock("DC-B", "SKU-1", 25)],
    )
    # FDX does not hold the freight and UPS has no faster lane: no expedite at all, and a
    # UPS standard move would not be one either
    assert [o.action for o in rec.options] == ["reship", "monitor"]


def test_carrier_delay_within_the_promise_proposes_monitoring_with_no_spend() -> None:
    rec = recommend(
        "carrier_delay",
        shipment=shipment(eta=date(2025, 3, 13), carrier="FDX"),
        inventory=[stock("DC-B", "SKU-1", 25)],
    )
    top = rec.options[0]
    assert (top.action, top.total_cost, top.meets_promise) == ("monitor", Decimal("0.00"), True)
    assert {o.action for o in rec.options} <= {"monitor", "expedite"}
    assert "no remediation is required" in rec.rationale


def test_damaged_shipment_reship_counts_the_replacement_goods() -> None:
    rec = recommend("shipment_damaged", inventory=[stock("DC-A", "SKU-1", 12, allocated=2)])
    best = rec.options[0]
    assert (best.action, best.warehouse_id, best.eta) == ("reship", "DC-A", date(2025, 3, 12))
    assert best.cost == Decimal("13.00")  # freight 8.00 + 10 × 0.50
    assert best.goods_cost == Decimal("100.00")  # 10 × 10.00, the order's price
    assert best.total_cost == Decimal("113.00")
    assert "goods USD 100.00 + freight USD 13.00" in best.rationale
    # a reship on a faster lane is still a reship
    assert "expedite" not in {o.action for o in rec.options}


def test_lost_shipment_without_stock_holds_for_inbound_or_backorders() -> None:
    rec = recommend(
        "shipment_lost",
        inventory=[stock("DC-B", "SKU-1", 0, inbound=[(10, date(2025, 3, 11))])],
    )
    assert [o.action for o in rec.options] == ["hold_for_inbound", "backorder"]
    hold = rec.options[0]
    assert (hold.warehouse_id, hold.eta, hold.meets_promise) == ("DC-B", date(2025, 3, 14), True)


def test_duplicate_order_yields_cancel_duplicate_at_no_cost() -> None:
    rec = recommend("duplicate_order", duplicate_of="SO-0999")
    [option] = rec.options
    assert option.action == "cancel_duplicate"
    assert option.cost == Decimal("0")
    assert option.allocations == []
    assert "SO-0999" in option.rationale
    assert "SO-0999" in rec.rationale


def test_non_fulfillment_category_proposes_nothing_and_says_why() -> None:
    rec = recommend("address_issue", inventory=[stock("DC-A", "SKU-1", 20)])
    assert rec.options == []
    assert "not a fulfillment exception" in rec.rationale


def test_exception_naming_a_sku_not_on_the_order_plans_every_line() -> None:
    outcome = LocalFulfillmentRecommender().recommend(
        build("shipment_damaged", inventory=[stock("DC-A", "SKU-1", 20)], affected_skus=["SKU-9"])
    )
    assert outcome.output.options[0].allocations[0].qty == 10
    assert "SKU-9" in outcome.output.rationale
    assert "every line was planned instead" in outcome.output.rationale


def test_recommendation_is_deterministic() -> None:
    req = build(
        "inventory_shortage",
        inventory=[stock("DC-B", "SKU-1", 5), stock("DC-A", "SKU-1", 0, inbound=[(9, PROMISE)])],
        the_customer=customer(partial=True, substitution=True),
    )
    first = LocalFulfillmentRecommender().recommend(req).output.model_dump()
    assert LocalFulfillmentRecommender().recommend(req).output.model_dump() == first
