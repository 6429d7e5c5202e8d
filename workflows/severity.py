"""Severity: a pure function of revenue at risk, customer tier and time to the promise."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time
from decimal import Decimal, InvalidOperation
from typing import Final

from exdesk.domain import Category, CustomerTier, ExceptionEvent, Severity
from exdesk.domain.context import CaseContext
from exdesk.policies.config import SeverityRules

_AMOUNT_ATTRIBUTES = ("revenue_at_risk", "order_value", "amount", "invoice_total", "exposure")
_ORDERS_ATTRIBUTES = ("orders_at_risk", "orders_affected", "order_count", "affected_orders")
_DEADLINE_ATTRIBUTES = ("hours_to_auto_cancel", "auto_cancel_hours", "hours_to_deadline")
_ORDERS_IN_TEXT = re.compile(r"\b(\d{1,5})\s+(?:[a-z-]{1,20}\s+){0,2}orders\b", re.IGNORECASE)
_AUTO_CANCEL_IN_TEXT = re.compile(
    r"auto-?\s?cancel[a-z]{0,4}\b[^.\n]{0,80}?\b(\d{1,3})\s*(?:h|hrs?|hours?)\b", re.IGNORECASE
)
"""Bounded patterns (no nested repetition), linear on any text."""

_NO_PROMISE_AT_STAKE: Final[frozenset[Category]] = frozenset({"return_request"})
"""Categories whose severity never counts the delivery promise: a return is about goods the
customer already has."""

_DELIVERED = frozenset({"delivered", "closed", "invoiced"})


@dataclass(frozen=True)
class SeverityInputs:
    """What severity is computed from, recorded with the result."""

    revenue_at_risk: Decimal
    tier: CustomerTier | None
    hours_to_promise: float | None
    orders_at_risk: int | None = None
    """Orders an outage holds up (integration failures without an order of their own)."""


@dataclass(frozen=True)
class SeverityAssessment:
    """The severity and the points that made it."""

    severity: Severity
    points: int
    inputs: SeverityInputs
    explanation: str


def severity_inputs(
    event: ExceptionEvent, context: CaseContext, category: Category | None = None
) -> SeverityInputs:
    """Revenue at risk (the affected lines, else the order, else an amount the event states),
    the customer's tier, and hours from the event to the end of the promised day (UTC).

    A return, or an inquiry about goods already delivered, has no promise at stake (a past
    delivery date is not a broken promise). An integration failure with no order of its own
    is scored by the orders it holds up and the hours until they are lost (a marketplace
    that auto-cancels unacknowledged orders after 24 h)."""
    revenue = Decimal(0)
    order = context.order
    if order is not None:
        affected = [line for line in order.lines if event.sku and line.sku == event.sku]
        lines = affected or order.lines
        revenue = sum((line.unit_price * line.qty for line in lines), Decimal(0))
    else:
        for name in _AMOUNT_ATTRIBUTES:
            amount = _decimal(event.attributes.get(name))
            if amount is not None:
                revenue = amount
                break
    hours = None
    if order is not None:
        deadline = datetime.combine(order.promised_date, time(23, 59, 59), tzinfo=UTC)
        hours = (deadline - event.occurred_at).total_seconds() / 3600
    if category in _NO_PROMISE_AT_STAKE or (category == "customer_inquiry" and _delivered(context)):
        hours = None
    orders_at_risk = None
    if category == "integration_failure" and order is None:
        orders_at_risk = _count(event, _ORDERS_ATTRIBUTES, _ORDERS_IN_TEXT)
        cancel_after = _count(event, _DEADLINE_ATTRIBUTES, _AUTO_CANCEL_IN_TEXT)
        if cancel_after is not None:
            hours = float(cancel_after)
    tier = context.customer.tier if context.customer else None
    return SeverityInputs(revenue, tier, hours, orders_at_risk)


def _delivered(context: CaseContext) -> bool:
    shipments = context.shipments or ([context.shipment] if context.shipment else [])
    if shipments and all(s.status.lower() == "delivered" for s in shipments):
        return True
    return context.order is not None and context.order.status.lower() in _DELIVERED


def _count(event: ExceptionEvent, names: tuple[str, ...], pattern: re.Pattern[str]) -> int | None:
    """A whole number the event states in one of its attributes, else in its summary."""
    for name in names:
        value = _decimal(event.attributes.get(name))
        if value is not None:
            return int(value)
    found = pattern.search(event.summary[:20_000])
    return int(found.group(1)) if found else None


def assess_severity(inputs: SeverityInputs, rules: SeverityRules) -> SeverityAssessment:
    """Points for each input, summed, mapped to a level by the rules."""
    revenue_points = next(
        (band.points for band in rules.revenue_points if inputs.revenue_at_risk >= band.at_least), 0
    )
    tier_points = rules.tier_points.get(inputs.tier, 0) if inputs.tier else 0
    hours_points = 0
    if inputs.hours_to_promise is not None:
        hours_points = next(
            (b.points for b in rules.hours_points if inputs.hours_to_promise <= b.at_most), 0
        )
    orders_points = 0
    if inputs.orders_at_risk is not None:
        orders_points = next(
            (b.points for b in rules.orders_points if inputs.orders_at_risk >= b.at_least), 0
        )
    total = revenue_points + tier_points + hours_points + orders_points
    severity: Severity = next(
        (level.severity for level in rules.levels if total >= level.at_least), "low"
    )
    hours = "unknown" if inputs.hours_to_promise is None else f"{inputs.hours_to_promise:.0f}h"
    explanation = (
        f"revenue at risk {inputs.revenue_at_risk:.2f} (+{revenue_points}), "
        f"tier {inputs.tier or 'unknown'} (+{tier_points}), "
        f"time to promise {hours} (+{hours_points})"
        + (
            f", orders at risk {inputs.orders_at_risk} (+{orders_points})"
            if inputs.orders_at_risk is not None
            else ""
        )
        + f" = {total} points -> {severity}"
    )
    return SeverityAssessment(severity, total, inputs, explanation)


def _decimal(value: object) -> Decimal | None:
    if isinstance(value, bool) or value is None:
        return None
    try:
        amount = Decimal(str(value).replace(",", "").replace("$", "").strip())
    except InvalidOperation:
        return None
    return amount if amount.is_finite() and amount >= 0 else None
