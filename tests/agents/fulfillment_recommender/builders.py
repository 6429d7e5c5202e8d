"""Small builders for recommender scenarios: a network is a few lines to read."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from decimal import Decimal
from typing import Any

from exdesk.agents.fulfillment_recommender import RecommendationRequest
from exdesk.domain import (
    Address,
    CarrierLane,
    Category,
    Contact,
    CustomerAccount,
    InboundSupply,
    InventoryPosition,
    Order,
    OrderLine,
    ServiceLevel,
    Shipment,
    Sku,
    Warehouse,
)

AS_OF = date(2025, 3, 10)
"""A Monday; the day the exception occurred in every scenario."""

AS_OF_TIME = datetime(2025, 3, 10, 16, 30, tzinfo=timezone(timedelta(hours=-7)))
"""Monday 16:30 local, after every DC's default 15:00 cut-off: nothing ships before
Tuesday 03-11."""


def dc(warehouse_id: str, region: str) -> Warehouse:
    """A DC in a region."""
    return Warehouse(
        warehouse_id=warehouse_id, name=warehouse_id, region=region, postal_code="00000"
    )


def lane(
    origin: str,
    dest: str,
    *,
    carrier: str = "UPS",
    service: ServiceLevel = "standard",
    days: int,
    per_shipment: str,
    per_unit: str,
) -> CarrierLane:
    """A carrier lane with its cost terms."""
    return CarrierLane(
        carrier=carrier,
        service=service,
        origin_region=origin,
        dest_region=dest,
        transit_days=days,
        cost_per_shipment=Decimal(per_shipment),
        cost_per_unit=Decimal(per_unit),
    )


def stock(
    warehouse_id: str,
    sku: str,
    on_hand: int,
    allocated: int = 0,
    inbound: list[tuple[int, date]] | None = None,
) -> InventoryPosition:
    """An inventory position, with inbound receipts as (qty, eta)."""
    return InventoryPosition(
        warehouse_id=warehouse_id,
        sku=sku,
        on_hand=on_hand,
        allocated=allocated,
        inbound=[InboundSupply(qty=q, eta=eta) for q, eta in inbound or []],
    )


def sku(code: str, *substitutes: str, price: str = "10.00") -> Sku:
    """A catalogue entry and its substitutes."""
    return Sku(sku=code, description=code, unit_price=Decimal(price), substitutes=list(substitutes))


def customer(*, partial: bool = True, substitution: bool = True) -> CustomerAccount:
    """A customer whose partial-shipment and substitution terms are explicit."""
    return CustomerAccount(
        customer_id="C-1",
        name="Acme Retail",
        tier="key",
        credit_limit=Decimal("50000"),
        balance=Decimal("1000"),
        allows_partial_shipment=partial,
        allows_substitution=substitution,
        contact=Contact(email="buyer@acme.example", name="Pat Buyer"),
    )


def order(
    lines: list[tuple[str, int]],
    *,
    promised: date,
    region: str = "west",
    warehouse_id: str = "DC-A",
    service: ServiceLevel = "standard",
) -> Order:
    """An order with lines (sku, qty) numbered from 1."""
    return Order(
        order_id="SO-1001",
        customer_id="C-1",
        channel="b2b_portal",
        lines=[
            OrderLine(line_no=i, sku=s, qty=q, unit_price=Decimal("10.00"))
            for i, (s, q) in enumerate(lines, start=1)
        ],
        ship_to=Address(
            name="Acme Store 12",
            line1="1 Main St",
            city="Reno",
            state="NV",
            postal_code="89501",
            country="US",
            region=region,
        ),
        promised_date=promised,
        service_level=service,
        warehouse_id=warehouse_id,
        status="released",
    )


def shipment(
    *, eta: date | None, carrier: str = "UPS", service: ServiceLevel = "standard"
) -> Shipment:
    """The order's shipment, as the carrier now reports it."""
    return Shipment(
        shipment_id="SH-1",
        order_id="SO-1001",
        carrier=carrier,
        service=service,
        tracking_number="1Z999",
        status="in_transit",
        eta=eta,
    )


def request(
    category: Category,
    the_order: Order,
    *,
    the_customer: CustomerAccount | None = None,
    **fields: Any,
) -> RecommendationRequest:
    """A recommendation request dated ``AS_OF``."""
    return RecommendationRequest(
        category=category,
        summary=f"{category} on {the_order.order_id}",
        order=the_order,
        customer=the_customer or customer(),
        as_of=fields.pop("as_of", AS_OF),
        as_of_time=fields.pop("as_of_time", AS_OF_TIME),
        **fields,
    )
