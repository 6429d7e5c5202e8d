"""Inventory shortages: hand-computed options on small, realistic networks.

Every scenario is dated Monday 2025-03-10 (``AS_OF``). Standard lanes ship the next day
(03-11); expedited and next-day lanes ship the same day. The order ships to ``west`` from
DC-A (west); DC-B is in ``central`` (3 days, 12.00 + 0.75/unit) and DC-C in ``mountain``
(2 days, 20.00 + 0.25/unit).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from exdesk.agents.fulfillment_recommender import LocalFulfillmentRecommender
from exdesk.domain import (
    CarrierLane,
    CustomerAccount,
    FulfillmentOption,
    FulfillmentRecommendation,
    Order,
)
from tests.agents.fulfillment_recommender.builders import (
    customer,
    dc,
    lane,
    order,
    request,
    sku,
    stock,
)

PROMISE = date(2025, 3, 14)
DCS = [dc("DC-A", "west"), dc("DC-B", "central"), dc("DC-C", "mountain")]
LANES: list[CarrierLane] = [
    lane("west", "west", days=1, per_shipment="8.00", per_unit="0.50"),
    lane("central", "west", days=3, per_shipment="12.00", per_unit="0.75"),
    lane("mountain", "west", days=2, per_shipment="20.00", per_unit="0.25"),
]


def recommend(
    the_order: Order | None = None,
    the_customer: CustomerAccount | None = None,
    **fields: Any,
) -> FulfillmentRecommendation:
    req = request(
        "inventory_shortage",
        the_order or order([("SKU-1", 10)], promised=PROMISE),
        the_customer=the_customer,
        warehouses=fields.pop("warehouses", DCS),
        lanes=fields.pop("lanes", LANES),
        **fields,
    )
    return LocalFulfillmentRecommender().recommend(req).output


def of(rec: FulfillmentRecommendation, action: str) -> list[FulfillmentOption]:
    return [o for o in rec.options if o.action == action]


def test_alternate_dc_that_meets_the_promise_beats_backorder() -> None:
    rec = recommend(
        inventory=[stock("DC-A", "SKU-1", 0), stock("DC-B", "SKU-1", 30, allocated=5)],
        the_customer=customer(partial=False, substitution=False),
    )
    best = rec.options[0]
    assert best.action == "ship_from_alternate_dc"
    assert (best.warehouse_id, best.carrier, best.service) == ("DC-B", "UPS", "standard")
    assert best.eta == date(2025, 3, 14)  # ships 03-11 + 3 days
    assert best.meets_promise
    assert best.cost == Decimal("19.50")  # 12.00 + 10 × 0.75
    assert [(a.line_no, a.sku, a.qty, a.warehouse_id) for a in best.allocations] == [
        (1, "SKU-1", 10, "DC-B")
    ]
    [backorder] = of(rec, "backorder")
    # The backorder would ship later from DC-A for less (8.00 + 10 × 0.50) but has no ETA.
    assert backorder.cost == Decimal("13.00")
    assert backorder.eta is None
    assert not backorder.meets_promise
    assert rec.options.index(backorder) > 0
    assert "misses" in rec.rationale


def test_cheaper_of_two_promise_meeting_options_ranks_first() -> None:
    fast = lane(
        "central",
        "west",
        carrier="FDX",
        service="expedited",
        days=1,
        per_shipment="30.00",
        per_unit="1.00",
    )
    rec = recommend(
        inventory=[stock("DC-B", "SKU-1", 12), stock("DC-C", "SKU-1", 40)],
        lanes=[*LANES, fast],
        the_customer=customer(partial=False, substitution=False),
    )
    ranked = [(o.action, o.warehouse_id, o.cost, o.eta) for o in rec.options if o.meets_promise]
    assert ranked == [
        ("ship_from_alternate_dc", "DC-B", Decimal("19.50"), date(2025, 3, 14)),
        ("ship_from_alternate_dc", "DC-C", Decimal("22.50"), date(2025, 3, 13)),
        # a faster lane from another DC is still a ship from an alternate DC, not an
        # expedite; after Monday's cut-off it ships Tuesday 03-11 like the others
        ("ship_from_alternate_dc", "DC-B", Decimal("40.00"), date(2025, 3, 12)),
    ]
    assert "USD 19.50 vs USD 22.50" in rec.rationale
    assert "saving USD 3.00" in rec.rationale
    assert "12.00 + 10 × USD 0.75 = USD 19.50" in rec.options[0].rationale


def test_fully_allocated_stock_is_never_used() -> None:
    rec = recommend(
        inventory=[
            stock("DC-B", "SKU-1", 10, allocated=10),  # cheapest lane, but promised to others
            stock("DC-C", "SKU-1", 10),
        ],
        the_customer=customer(partial=True, substitution=True),
    )
    assert rec.options[0].warehouse_id == "DC-C"
    assert rec.options[0].cost == Decimal("22.50")  # 20.00 + 10 × 0.25
    for option in rec.options:
        assert option.warehouse_id != "DC-B"
        assert all(a.warehouse_id != "DC-B" for a in option.allocations)


def test_only_available_units_are_taken_from_a_partly_allocated_dc() -> None:
    rec = recommend(
        inventory=[stock("DC-B", "SKU-1", 10, allocated=7), stock("DC-C", "SKU-1", 7)],
        the_customer=customer(partial=True, substitution=False),
    )
    [split] = of(rec, "split_shipment")
    taken = sorted((a.warehouse_id, a.qty) for a in split.allocations)
    assert taken == [("DC-B", 3), ("DC-C", 7)]
    # DC-B 12.00 + 3 × 0.75 = 14.25, DC-C 20.00 + 7 × 0.25 = 21.75
    assert split.cost == Decimal("36.00")


SPLIT_NETWORK = [
    stock("DC-A", "SKU-1", 0, inbound=[(10, date(2025, 3, 13))]),
    stock("DC-B", "SKU-1", 6),
    stock("DC-C", "SKU-1", 4),
]


def test_split_and_partial_plans_are_refused_when_the_customer_disallows_them() -> None:
    rec = recommend(
        inventory=SPLIT_NETWORK, the_customer=customer(partial=False, substitution=False)
    )
    assert of(rec, "split_shipment") == []
    for option in rec.options:
        assert {a.warehouse_id for a in option.allocations} <= {option.warehouse_id}
    assert {o.action for o in rec.options} == {"hold_for_inbound", "backorder"}
    [hold] = of(rec, "hold_for_inbound")
    assert (hold.warehouse_id, hold.allocations) == ("DC-A", [])
    assert "does not accept partial shipments" in rec.rationale


def test_split_and_partial_plans_are_offered_when_the_customer_allows_them() -> None:
    rec = recommend(
        inventory=SPLIT_NETWORK, the_customer=customer(partial=True, substitution=False)
    )
    [split] = of(rec, "split_shipment")
    assert sorted((a.warehouse_id, a.qty) for a in split.allocations) == [("DC-B", 6), ("DC-C", 4)]
    assert split.cost == Decimal("37.50")  # 12.00 + 6 × 0.75 + 20.00 + 4 × 0.25
    assert split.eta == date(2025, 3, 14)  # the later of 03-14 (DC-B) and 03-13 (DC-C)
    assert split.warehouse_id is None
    # Ship DC-B's 6 now (16.50) and the other 4 from DC-A's 03-13 receipt (8.00 + 4 × 0.50).
    partial = [o for o in of(rec, "hold_for_inbound") if o.allocations]
    assert any(
        o.cost == Decimal("26.50")
        and [(a.warehouse_id, a.qty) for a in o.allocations] == [("DC-B", 6)]
        for o in partial
    )
    assert "does not accept partial" not in rec.rationale


def test_substitutes_are_offered_only_when_the_customer_accepts_them() -> None:
    inventory = [stock("DC-B", "SKU-1B", 20), stock("DC-B", "SKU-1X", 50)]
    catalogue = [sku("SKU-1", "SKU-1B")]  # SKU-1X is in stock but not a listed substitute
    refused = recommend(
        inventory=inventory,
        skus=catalogue,
        the_customer=customer(partial=False, substitution=False),
    )
    assert of(refused, "substitute_sku") == []
    assert all(a.substitute_for is None for o in refused.options for a in o.allocations)
    assert [o.action for o in refused.options] == ["backorder"]
    assert "does not accept substitutions" in refused.rationale

    allowed = recommend(
        inventory=inventory, skus=catalogue, the_customer=customer(partial=False, substitution=True)
    )
    best = allowed.options[0]
    assert best.action == "substitute_sku"
    assert best.meets_promise
    assert best.cost == Decimal("19.50")
    assert [(a.sku, a.qty, a.warehouse_id, a.substitute_for) for a in best.allocations] == [
        ("SKU-1B", 10, "DC-B", "SKU-1")
    ]
    assert all(a.sku != "SKU-1X" for o in allowed.options for a in o.allocations)


def test_hold_for_inbound_ships_when_the_earliest_covering_receipt_arrives() -> None:
    receipts = [(6, date(2025, 3, 12)), (10, date(2025, 3, 15))]
    no = customer(partial=False, substitution=False)
    whole = recommend(inventory=[stock("DC-A", "SKU-1", 0, inbound=receipts)], the_customer=no)
    [hold] = of(whole, "hold_for_inbound")
    # 6 units on 03-12 do not cover 10; 6 + 10 on Saturday 03-15 do: the DC ships on its
    # next working day, Monday 03-17, one day to west.
    assert (hold.warehouse_id, hold.eta, hold.meets_promise) == ("DC-A", date(2025, 3, 18), False)
    assert hold.cost == Decimal("13.00")
    assert "complete 2025-03-15" in hold.rationale
    assert "ships 2025-03-17" in hold.rationale
    assert "misses the 2025-03-14 promise by 4 days" in hold.rationale

    short_four = recommend(
        inventory=[stock("DC-A", "SKU-1", 0, inbound=receipts)],
        the_customer=no,
        affected_skus=["SKU-1"],
        short_qty={"SKU-1": 4},
    )
    [hold] = of(short_four, "hold_for_inbound")
    assert (hold.eta, hold.meets_promise) == (date(2025, 3, 13), True)  # 03-12 receipt covers 4
    assert hold.cost == Decimal("10.00")  # 8.00 + 4 × 0.50


def test_only_the_affected_lines_and_short_units_are_sourced() -> None:
    two_lines = order([("SKU-1", 10), ("SKU-2", 5)], promised=PROMISE)
    rec = recommend(
        the_order=two_lines,
        inventory=[stock("DC-B", "SKU-1", 30), stock("DC-B", "SKU-2", 30)],
        affected_skus=["SKU-1"],
        short_qty={"SKU-1": 4},
        the_customer=customer(partial=False, substitution=False),
    )
    best = rec.options[0]
    assert [(a.line_no, a.sku, a.qty) for a in best.allocations] == [(1, "SKU-1", 4)]
    assert best.cost == Decimal("15.00")  # 12.00 + 4 × 0.75


def test_the_short_dc_count_of_the_short_sku_is_not_trusted() -> None:
    rec = recommend(
        inventory=[stock("DC-A", "SKU-1", 50)],
        the_customer=customer(partial=True, substitution=True),
    )
    assert all(a.warehouse_id != "DC-A" for o in rec.options for a in o.allocations)
    assert [o.action for o in rec.options] == ["backorder"]


def test_no_inventory_anywhere_yields_an_honest_backorder() -> None:
    rec = recommend(inventory=[], the_customer=customer(partial=True, substitution=True))
    [only] = rec.options
    assert only.action == "backorder"
    assert (only.eta, only.meets_promise, only.warehouse_id) == (None, False, "DC-A")
    assert only.cost == Decimal("13.00")  # what the eventual DC-A shipment would cost
    assert "No committed ETA, so it cannot meet the 2025-03-14 promise" in only.rationale
    assert "0 meeting the 2025-03-14 promise" in rec.rationale


def test_an_empty_network_still_yields_a_backorder() -> None:
    rec = recommend(inventory=[], warehouses=[], lanes=[])
    [only] = rec.options
    assert (only.action, only.eta, only.meets_promise, only.cost) == (
        "backorder",
        None,
        False,
        Decimal("0.00"),
    )
    assert "no lane" in only.rationale
