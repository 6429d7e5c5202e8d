"""Realistic exception events built from a network snapshot, and policy variants."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import yaml

from exdesk.domain import ExceptionEvent, NetworkSnapshot, Order
from exdesk.policies.config import SHIPPED_POLICIES

AT = datetime(2026, 11, 19, 14, 30, tzinfo=UTC)


def open_orders(network: NetworkSnapshot) -> list[Order]:
    """Orders not yet shipped, in id order."""
    return sorted(
        (o for o in network.orders if o.status in {"open", "allocated", "picking"}),
        key=lambda o: o.order_id,
    )


def short_pick(order: Order, event_id: str, *, line: int = 0) -> ExceptionEvent:
    """A WMS short-pick alert on one line of an order."""
    item = order.lines[line]
    return ExceptionEvent(
        source="wms",
        source_event_id=event_id,
        occurred_at=AT,
        summary=(
            f"SHORT PICK wave 2291 order {order.order_id} loc A-12-03 SKU {item.sku} "
            f"req {item.qty} picked 0 user jdoe - location empty, cycle count requested"
        ),
        order_id=order.order_id,
        sku=item.sku,
        warehouse_id=order.warehouse_id,
        attributes={"requested_qty": item.qty, "picked_qty": 0},
    )


def where_is_my_order(order: Order, email: str, event_id: str) -> ExceptionEvent:
    """A customer's status question, forwarded from a mailbox with no references filled."""
    return ExceptionEvent(
        source="email",
        source_event_id=event_id,
        occurred_at=AT,
        summary=(
            f"From: {email}\nSubject: order status\n\nHello, could you tell me when our order "
            f"{order.order_id} will arrive? We have not received a shipping confirmation yet. "
            "Thanks"
        ),
    )


def contact_email(network: NetworkSnapshot, order: Order) -> str:
    """The e-mail address of the order's customer contact."""
    return next(c.contact.email for c in network.customers if c.customer_id == order.customer_id)


def status_question(network: NetworkSnapshot, order: Order, event_id: str) -> ExceptionEvent:
    """The order's own customer asking where it is."""
    return where_is_my_order(order, contact_email(network, order), event_id)


def vague_note(event_id: str) -> ExceptionEvent:
    """A note that says almost nothing: the classifier cannot be sure."""
    return ExceptionEvent(
        source="manual",
        source_event_id=event_id,
        occurred_at=AT,
        summary="pls look at this one when you can, thx",
    )


def policy_file(tmp_path: Path, **changes: Any) -> Path:
    """The default policy file with some fields replaced (``remediation__auto_approve…``)."""
    policy = yaml.safe_load(SHIPPED_POLICIES.read_text(encoding="utf-8"))
    for dotted, value in changes.items():
        target = policy
        *parents, leaf = dotted.split("__")
        for part in parents:
            target = target[part]
        target[leaf] = value
    path = tmp_path / "policy.yaml"
    path.write_text(yaml.safe_dump(policy))
    return path
