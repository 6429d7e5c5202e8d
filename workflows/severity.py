"""Severity: a pure function of revenue at risk, customer tier and time to the promise."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time
from decimal import Decimal, InvalidOperation

from exdesk.domain import CustomerTier, ExceptionEvent, Severity
from exdesk.domain.context import CaseContext
from exdesk.policies.config import SeverityRules

_AMOUNT_ATTRIBUTES = ("revenue_at_risk", "order_value", "amount", "invoice_total", "exposure")


@dataclass(frozen=True)
class SeverityInputs:
    """What severity is computed from, recorded with the result."""

    revenue_at_risk: Decimal
    tier: CustomerTier | None
    hours_to_promise: float | None


@dataclass(frozen=True)
class SeverityAssessment:
    """The severity and the points that made it."""

    severity: Severity
    points: int
    inputs: SeverityInputs
    explanation: str


def severity_inputs(event: ExceptionEvent, context: CaseContext) -> SeverityInputs:
    """Revenue at risk (the affected lines, else the order, else an amount the event states),
    the customer's tier, and hours from the event to the end of the promised day (UTC)."""
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
    tier = context.customer.tier if context.customer else None
    return SeverityInputs(revenue, tier, hours)


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
    total = revenue_points + tier_points + hours_points
    severity: Severity = next(
        (level.severity for level in rules.levels if total >= level.at_least), "low"
    )
    hours = "unknown" if inputs.hours_to_promise is None else f"{inputs.hours_to_promise:.0f}h"
    explanation = (
        f"revenue at risk {inputs.revenue_at_risk:.2f} (+{revenue_points}), "
        f"tier {inputs.tier or 'unknown'} (+{tier_points}), "
        f"time to promise {hours} (+{hours_points}) = {total} points -> {severity}"
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
