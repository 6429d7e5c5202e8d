"""Honest money and time, through the whole workflow on the test database: the auto-approve
limit counts everything a remediation spends, ship days respect the DC's cut-off, working
days and holidays, freight with the carrier is the carrier's to move, and a delay that keeps
its promise is monitored at no cost.

One DC per region (DC-S ``south``, DC-C ``central``); the customer is in ``south``.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, datetime, time, timedelta, timezone
from decimal import Decimal

import pytest

from exdesk.agents.registry import AgentSet
from exdesk.domain import (
    CarrierLane,
    Case,
    ExceptionEvent,
    FulfillmentOption,
    InventoryPosition,
    NetworkSnapshot,
    RemediationOrder,
    Shipment,
    Warehouse,
)
from exdesk.service import ExceptionDesk
from exdesk.settings import Settings
from tests.support.factories import make_customer, make_line, make_order, make_sku

TENANT = "honest"
CST = timezone(timedelta(hours=-6))


def lane(origin: str, carrier: str, service: str, days: int, base: str) -> CarrierLane:
    return CarrierLane.model_validate(
        {
            "carrier": carrier,
            "service": service,
            "origin_region": origin,
            "dest_region": "south",
            "transit_days": days,
            "cost_per_shipment": base,
            "cost_per_unit": "0.00",
        }
    )


def network(*, promised: date, shipment_eta: date | None = None, **dc: object) -> NetworkSnapshot:
    """An order of 12 units of SKU-1 worth 238.49 each (2,861.88) from DC-S, in transit
    with UPS standard; DC-C holds stock."""
    shipment = Shipment(
        shipment_id="SH-1",
        order_id="SO-1",
        carrier="UPSN",
        service="standard",
        tracking_number="1Z1",
        status="in_transit",
        eta=shipment_eta,
    )
    return NetworkSnapshot(
        warehouses=[
            Warehouse.model_validate(
                {"warehouse_id": "DC-S", "name": "South", "region": "south", "postal_code": "1"}
                | dc
            ),
            Warehouse(warehouse_id="DC-C", name="Central", region="central", postal_code="2"),
        ],
        skus=[make_sku("SKU-1", unit_price="238.49")],
        inventory=[
            InventoryPosition(warehouse_id=wh, sku="SKU-1", on_hand=50, allocated=0, inbound=[])
            for wh in ("DC-S", "DC-C")
        ],
        customers=[make_customer()],
        orders=[
            make_order(
                "SO-1",
                lines=[make_line(1, "SKU-1", 12, "238.49")],
                promised_date=promised,
                warehouse_id="DC-S",
            )
        ],
        shipments=[shipment],
        lanes=[
            lane("south", "UPSN", "standard", 2, "140.75"),
            lane("south", "UPSN", "expedited", 1, "196.00"),
            lane("south", "FDEG", "next_day", 1, "260.00"),
            lane("central", "UPSN", "standard", 3, "180.00"),
        ],
    )


@pytest.fixture
def desk(settings: Settings, agents: AgentSet) -> Iterator[ExceptionDesk]:
    with ExceptionDesk.open(settings, agents=agents) as opened:
        yield opened


def run(desk: ExceptionDesk, snapshot: NetworkSnapshot, event: ExceptionEvent) -> Case:
    desk.load_network(TENANT, snapshot)
    ref = desk.submit(TENANT, event)
    desk.advance(TENANT, ref.case_id)
    return desk.case(TENANT, ref.case_id)


def top(case: Case) -> FulfillmentOption:
    assert case.recommendation is not None
    assert case.recommendation.options
    return case.recommendation.options[0]


def lost(at: datetime) -> ExceptionEvent:
    return ExceptionEvent(
        source="carrier",
        source_event_id=f"lost-{at.isoformat()}",
        occurred_at=at,
        summary="Shipment SH-1 declared lost in transit by UPS after a failed trace; "
        "claim opened. Order SO-1.",
        order_id="SO-1",
        shipment_id="SH-1",
        attributes={"carrier": "ups"},
    )


def delay(at: datetime) -> ExceptionEvent:
    return ExceptionEvent(
        source="carrier",
        source_event_id=f"delay-{at.isoformat()}",
        occurred_at=at,
        summary="AT7*SD*AJ - shipment SH-1 delayed in transit at the UPS Memphis hub, "
        "revised delivery date given. Order SO-1.",
        order_id="SO-1",
        shipment_id="SH-1",
        attributes={"x12_214_status": "SD", "x12_214_reason": "AJ"},
    )


def test_a_reship_whose_freight_is_under_the_limit_but_goods_are_not_goes_to_ops(
    desk: ExceptionDesk,
) -> None:
    # Tuesday 2026-11-17 09:00 local: a lost shipment; the reship's freight is 140.75
    case = run(
        desk, network(promised=date(2026, 11, 24)), lost(datetime(2026, 11, 17, 9, 0, tzinfo=CST))
    )
    best = top(case)
    assert best.action == "reship"
    assert best.cost == Decimal("140.75")
    assert best.goods_cost == Decimal("2861.88")
    assert best.total_cost == Decimal("3002.63")
    limit = [r for r in case.policy_results if r.policy_id == "remediation-cost-limit"]
    assert [r.effect for r in limit] == ["require_approval"]
    assert "total cost 3002.63 USD (goods 2861.88 + freight 140.75)" in limit[0].reason
    assert any(a.kind == "remediation" and a.status == "pending" for a in case.approvals)
    assert not [m for m in case.actions if isinstance(m.payload, RemediationOrder)]


@pytest.mark.parametrize(
    ("at", "ships"),
    [
        # before the 15:00 cut-off on a Thursday: same day
        (datetime(2026, 11, 19, 10, 0, tzinfo=CST), date(2026, 11, 19)),
        # 22:33 on Thursday: Friday
        (datetime(2026, 11, 19, 22, 33, tzinfo=CST), date(2026, 11, 20)),
        # after the cut-off on Friday: Monday
        (datetime(2026, 11, 20, 16, 0, tzinfo=CST), date(2026, 11, 23)),
        # Wednesday evening before Thanksgiving: Friday (the holiday file)
        (datetime(2026, 11, 25, 18, 0, tzinfo=CST), date(2026, 11, 27)),
    ],
)
def test_ship_days_follow_the_cut_off_working_days_and_holidays(
    desk: ExceptionDesk, at: datetime, ships: date
) -> None:
    case = run(desk, network(promised=date(2026, 12, 10)), lost(at))
    reship = (
        next(
            o
            for o in case.recommendation.options
            if o.warehouse_id == "DC-S" and o.carrier == "UPSN"
        )
        if case.recommendation
        else None
    )
    assert reship is not None
    assert reship.eta == ships + timedelta(days=reship_transit(reship))
    assert f"ships {ships}" in reship.rationale


def reship_transit(option: FulfillmentOption) -> int:
    return {"standard": 2, "expedited": 1}[option.service or "standard"]


def test_a_warehouse_cut_off_and_working_days_come_from_the_network(desk: ExceptionDesk) -> None:
    # DC-S works Saturdays and closes at 20:00 in Chicago time
    snapshot = network(
        promised=date(2026, 12, 10),
        cutoff=time(20, 0).isoformat(),
        timezone="America/Chicago",
        working_days=[1, 2, 3, 4, 5, 6],
    )
    case = run(desk, snapshot, lost(datetime(2026, 11, 20, 19, 0, tzinfo=CST)))  # Fri 19:00
    assert case.recommendation is not None
    from_s = [o for o in case.recommendation.options if o.warehouse_id == "DC-S" and o.eta]
    assert from_s
    assert all("ships 2026-11-20" in o.rationale for o in from_s)
    late = run(desk, snapshot, lost(datetime(2026, 11, 20, 21, 0, tzinfo=CST)))  # Fri 21:00
    assert late.recommendation is not None
    assert all(
        "ships 2026-11-21" in o.rationale
        for o in late.recommendation.options
        if o.warehouse_id == "DC-S" and o.eta
    )


def test_a_delay_that_keeps_the_promise_is_monitored_with_no_spend(desk: ExceptionDesk) -> None:
    snapshot = network(promised=date(2026, 11, 24), shipment_eta=date(2026, 11, 23))
    case = run(desk, snapshot, delay(datetime(2026, 11, 19, 22, 33, tzinfo=CST)))
    best = top(case)
    assert (best.action, best.total_cost, best.meets_promise) == ("monitor", Decimal("0.00"), True)
    assert case.recommendation is not None
    assert "no remediation is required" in case.recommendation.rationale
    assert all(o.action in {"monitor", "expedite"} for o in case.recommendation.options)


def test_a_delay_that_breaks_the_promise_offers_the_carriers_move_not_a_re_tender(
    desk: ExceptionDesk,
) -> None:
    snapshot = network(promised=date(2026, 11, 23), shipment_eta=date(2026, 11, 26))
    case = run(desk, snapshot, delay(datetime(2026, 11, 19, 22, 33, tzinfo=CST)))
    assert case.recommendation is not None
    options = case.recommendation.options
    expedites = [o for o in options if o.action == "expedite"]
    # only UPS holds the freight, and only its faster service is an expedite
    assert [(o.carrier, o.service) for o in expedites] == [("UPSN", "expedited")]
    assert "in UPSN's network" in expedites[0].rationale
    assert "already picked" not in " ".join(o.rationale for o in options)
    reships = [o for o in options if o.action == "reship"]
    assert reships
    assert all(o.goods_cost == Decimal("2861.88") for o in reships)
    assert {o.action for o in options} <= {"expedite", "reship", "monitor"}
