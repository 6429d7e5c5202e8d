"""A small network of two customers, written out for the tests of decisions, recipients and
inputs (not the demo file): each test reads the one scenario it needs from here.

``canyon-castings.example.com`` (C-CANYON, standard tier) has order SO-1001 of 10 widgets,
short at DC-EAST and in stock at DC-WEST; ``brightline.example.org`` (C-BRIGHT, strategic)
has order SO-2002, delivered, and a credit limit its next order would exceed.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from exdesk.domain import (
    Address,
    CarrierLane,
    Contact,
    CustomerAccount,
    ExceptionEvent,
    InventoryPosition,
    NetworkSnapshot,
    Order,
    OrderLine,
    Shipment,
    Sku,
    Warehouse,
)

AT = datetime(2026, 11, 16, 9, 0, tzinfo=UTC)
"""When every event happens (a Monday morning)."""

CANYON_CONTACT = "buyer@canyon-castings.example.com"
BRIGHT_CONTACT = "ap@brightline.example.org"


def _address(region: str) -> Address:
    return Address(
        name="Receiving",
        line1="1 Dock Rd",
        city="Springfield",
        state="IL",
        postal_code="62701",
        country="US",
        region=region,
    )


def _customer(customer_id: str, name: str, email: str, **terms: Any) -> CustomerAccount:
    return CustomerAccount(
        customer_id=customer_id,
        name=name,
        tier=terms.get("tier", "standard"),
        credit_limit=Decimal(terms.get("credit_limit", "50000.00")),
        balance=Decimal(terms.get("balance", "0.00")),
        allows_partial_shipment=True,
        allows_substitution=False,
        contact=Contact(email=email, name="Pat Buyer", locale="en-US"),
    )


def small_network() -> NetworkSnapshot:
    """The two customers, their orders, one SKU in two DCs, and the lanes between."""
    return NetworkSnapshot(
        warehouses=[
            Warehouse(
                warehouse_id="DC-EAST", name="East DC", region="us-east", postal_code="07001"
            ),
            Warehouse(
                warehouse_id="DC-WEST", name="West DC", region="us-west", postal_code="90001"
            ),
        ],
        skus=[Sku(sku="WID-100", description="Widget, steel", unit_price=Decimal("10.00"))],
        inventory=[
            InventoryPosition(warehouse_id="DC-EAST", sku="WID-100", on_hand=0, allocated=0),
            InventoryPosition(warehouse_id="DC-WEST", sku="WID-100", on_hand=500, allocated=0),
        ],
        customers=[
            _customer("C-CANYON", "Canyon Castings", CANYON_CONTACT),
            _customer(
                "C-BRIGHT",
                "Brightline Foods",
                BRIGHT_CONTACT,
                tier="strategic",
                credit_limit="1000.00",
                balance="950.00",
            ),
        ],
        orders=[
            Order(
                order_id="SO-1001",
                customer_id="C-CANYON",
                channel="b2b_portal",
                lines=[OrderLine(line_no=1, sku="WID-100", qty=10, unit_price=Decimal("10.00"))],
                ship_to=_address("us-east"),
                promised_date=date(2026, 12, 18),
                service_level="standard",
                warehouse_id="DC-EAST",
                status="open",
            ),
            Order(
                order_id="SO-2002",
                customer_id="C-BRIGHT",
                channel="b2b_portal",
                lines=[OrderLine(line_no=1, sku="WID-100", qty=900, unit_price=Decimal("10.00"))],
                ship_to=_address("us-west"),
                promised_date=date(2026, 11, 6),
                service_level="standard",
                warehouse_id="DC-WEST",
                status="delivered",
            ),
            Order(
                order_id="SO-2003",
                customer_id="C-BRIGHT",
                channel="b2b_portal",
                lines=[OrderLine(line_no=1, sku="WID-100", qty=20, unit_price=Decimal("10.00"))],
                ship_to=_address("us-west"),
                promised_date=date(2026, 12, 18),
                service_level="standard",
                warehouse_id="DC-WEST",
                status="on_hold",
            ),
        ],
        shipments=[
            Shipment(
                shipment_id="SH-2002",
                order_id="SO-2002",
                carrier="UPSN",
                service="standard",
                tracking_number="1Z0000000000000001",
                status="delivered",
                eta=date(2026, 11, 5),
            )
        ],
        lanes=[
            CarrierLane(
                carrier="UPSN",
                service=level,
                origin_region=origin,
                dest_region=dest,
                transit_days=days,
                cost_per_shipment=Decimal(cost),
                cost_per_unit=Decimal("0.10"),
            )
            for origin in ("us-east", "us-west")
            for dest in ("us-east", "us-west")
            for level, days, cost in (("standard", 3, "20.00"), ("expedited", 1, "60.00"))
        ],
    )


def event(event_id: str, summary: str, **fields: Any) -> ExceptionEvent:
    """An event of this scenario, at ``AT`` (``source`` defaults to ``email``)."""
    return ExceptionEvent.model_validate(
        {"source": "email", "source_event_id": event_id, "occurred_at": AT, "summary": summary}
        | fields
    )


def short_pick(event_id: str = "WMS-1", *, sender: str | None = None) -> ExceptionEvent:
    """A short pick of SO-1001's widgets at DC-EAST (from the WMS, or quoted in an e-mail)."""
    summary = (
        "SHORT PICK wave 77 order SO-1001 SKU WID-100 req 10 picked 0 - location empty, "
        "cycle count requested"
    )
    if sender is not None:
        summary = f"From: {sender}\nSubject: short pick\n\n{summary}"
    return event(
        event_id,
        summary,
        source="wms" if sender is None else "email",
        order_id="SO-1001",
        sku="WID-100",
        warehouse_id="DC-EAST",
        attributes={"requested_qty": 10, "picked_qty": 0},
    )
