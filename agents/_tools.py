"""The read-only tools an agent may grant its model, answered from what the workflow
already looked up for the case (the model reads nothing else and writes nothing).

Each tool's arguments are a pydantic model, so its function schema is generated from the
same model the call is validated against."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from exdesk.domain import (
    CarrierLane,
    CustomerAccount,
    Fact,
    InventoryPosition,
    Order,
    Shipment,
)
from exdesk.llm import BoundTool, read_only_tool


class _Arguments(BaseModel):
    model_config = ConfigDict(extra="forbid")


class NoArguments(_Arguments):
    """A tool that takes nothing."""


class SkuArguments(_Arguments):
    """One SKU."""

    sku: str = Field(min_length=1, max_length=64, description="The SKU to look up.")


class FactArguments(_Arguments):
    """Which facts: one kind, or all of them."""

    kind: str | None = Field(
        description="quantity, date, money, identifier, carrier or text; null for all."
    )


def _customer_view(customer: CustomerAccount) -> dict[str, Any]:
    """The account without its contact (the model never addresses anyone)."""
    return customer.model_dump(mode="json", exclude={"contact"})


def order_tool(order: Order | None) -> BoundTool[NoArguments]:
    """``get_order``: the case's order (lines, ship-to region, promised date)."""
    return read_only_tool(
        "get_order",
        "The case's order: lines, quantities, promised date, service level, warehouse.",
        NoArguments,
        lambda _: order if order is not None else {"found": False},
    )


def customer_tool(customer: CustomerAccount | None) -> BoundTool[NoArguments]:
    """``get_customer``: the account's tier, terms and credit (no contact details)."""
    return read_only_tool(
        "get_customer",
        "The customer's account: tier, credit limit and balance, partial-shipment and "
        "substitution terms.",
        NoArguments,
        lambda _: _customer_view(customer) if customer is not None else {"found": False},
    )


def shipment_tool(shipment: Shipment | None) -> BoundTool[NoArguments]:
    """``get_shipment``: the case's shipment, its milestones and ETA."""
    return read_only_tool(
        "get_shipment",
        "The case's shipment: carrier, service, status, milestones, ETA.",
        NoArguments,
        lambda _: shipment if shipment is not None else {"found": False},
    )


def inventory_tool(positions: Sequence[InventoryPosition]) -> BoundTool[SkuArguments]:
    """``get_inventory``: one SKU's positions in every warehouse the case knows."""
    return read_only_tool(
        "get_inventory",
        "Stock of one SKU per warehouse: on hand, allocated, inbound with ETAs.",
        SkuArguments,
        lambda args: [p for p in positions if p.sku == args.sku],
    )


def lanes_tool(lanes: Sequence[CarrierLane]) -> BoundTool[NoArguments]:
    """``get_lanes``: the carrier lanes into the order's ship-to region."""
    return read_only_tool(
        "get_lanes",
        "Carrier lanes into the ship-to region: carrier, service, transit days, costs.",
        NoArguments,
        lambda _: list(lanes),
    )


def facts_tool(facts: Sequence[Fact]) -> BoundTool[FactArguments]:
    """``get_facts``: the facts the draft may state, with their sources."""
    return read_only_tool(
        "get_facts",
        "The facts of the case the message may state, each with its kind and source.",
        FactArguments,
        lambda args: [f for f in facts if args.kind is None or f.kind == args.kind],
    )
