"""Severity: points for revenue at risk, tier and hours to the promise, at every boundary of
the shipped policy, and the inputs as the event and its context give them."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal
from itertools import product
from pathlib import Path
from typing import Any

import pytest

from exdesk.domain import SEVERITIES, CustomerTier, Severity
from exdesk.domain.context import CaseContext
from exdesk.policies.config import SeverityRules, load_policy_config
from exdesk.workflows.severity import SeverityInputs, assess_severity, severity_inputs
from tests.support.factories import make_customer, make_event, make_line, make_order

RULES = load_policy_config(
    Path(__file__).resolve().parents[2] / "policies" / "default.yaml"
).severity

# The shipped policy's tables, written out independently of the code that reads them.
REVENUE_CASES = [
    ("0", 0),
    ("0.01", 0),
    ("999.99", 0),
    ("1000", 1),
    ("1000.00", 1),
    ("4999.99", 1),
    ("5000", 2),
    ("24999.99", 2),
    ("25000", 3),
    ("1000000", 3),
]
TIER_CASES: list[tuple[CustomerTier | None, int]] = [
    ("strategic", 2),
    ("key", 1),
    ("standard", 0),
    (None, 0),
]
HOURS_CASES: list[tuple[float | None, int]] = [
    (None, 0),
    (-48.0, 3),
    (-0.001, 3),
    (0.0, 3),
    (0.001, 2),
    (23.999, 2),
    (24.0, 2),
    (24.001, 1),
    (72.0, 1),
    (72.001, 0),
    (500.0, 0),
]


def _level(points: int) -> Severity:
    if points >= 6:
        return "critical"
    if points >= 4:
        return "high"
    if points >= 2:
        return "medium"
    return "low"


def _inputs(
    revenue: str = "0", tier: CustomerTier | None = None, hours: float | None = None
) -> SeverityInputs:
    return SeverityInputs(Decimal(revenue), tier, hours)


@pytest.mark.parametrize(("revenue", "points"), REVENUE_CASES)
def test_revenue_points_at_each_band_boundary(revenue: str, points: int) -> None:
    result = assess_severity(_inputs(revenue), RULES)
    assert result.points == points
    assert result.severity == _level(points)


@pytest.mark.parametrize(("tier", "points"), TIER_CASES)
def test_tier_points(tier: CustomerTier | None, points: int) -> None:
    assert assess_severity(_inputs(tier=tier), RULES).points == points


@pytest.mark.parametrize(("hours", "points"), HOURS_CASES)
def test_hours_points_at_each_band_boundary(hours: float | None, points: int) -> None:
    assert assess_severity(_inputs(hours=hours), RULES).points == points


@pytest.mark.parametrize(
    ("revenue", "tier", "hours"),
    list(
        product(
            [r for r, _ in REVENUE_CASES[::3]],
            [t for t, _ in TIER_CASES],
            [h for h, _ in HOURS_CASES[::2]],
        )
    ),
)
def test_every_combination_sums_its_points_and_maps_them_to_a_level(
    revenue: str, tier: CustomerTier | None, hours: float | None
) -> None:
    points = dict(REVENUE_CASES)[revenue] + dict(TIER_CASES)[tier] + dict(HOURS_CASES)[hours]
    result = assess_severity(_inputs(revenue, tier, hours), RULES)
    assert (result.points, result.severity) == (points, _level(points))


@pytest.mark.parametrize(
    ("points", "inputs"),
    [
        (0, _inputs()),
        (1, _inputs("1000")),
        (2, _inputs("5000")),
        (3, _inputs("25000")),
        (4, _inputs("25000", "key")),
        (5, _inputs("25000", "strategic")),
        (6, _inputs("25000", "strategic", 72)),
        (7, _inputs("25000", "strategic", 24)),
        (8, _inputs("25000", "strategic", 0)),
    ],
)
def test_level_at_every_total(points: int, inputs: SeverityInputs) -> None:
    result = assess_severity(inputs, RULES)
    assert result.points == points
    assert result.severity == _level(points)


def test_every_severity_is_reachable() -> None:
    reached = {
        assess_severity(_inputs(r, t, h), RULES).severity
        for (r, _), (t, _), (h, _) in product(REVENUE_CASES, TIER_CASES, HOURS_CASES)
    }
    assert reached == set(SEVERITIES)


def test_assessment_keeps_its_inputs_and_explains_each_component() -> None:
    inputs = _inputs("5000", "key", 10.0)
    result = assess_severity(inputs, RULES)
    assert result.inputs == inputs
    assert "5000.00 (+2)" in result.explanation
    assert "tier key (+1)" in result.explanation
    assert "10h (+2)" in result.explanation
    assert result.explanation.endswith("= 5 points -> high")


def test_explanation_names_unknown_inputs() -> None:
    explanation = assess_severity(_inputs(), RULES).explanation
    assert "tier unknown" in explanation
    assert "time to promise unknown" in explanation


def test_custom_rules_are_honoured() -> None:
    rules = SeverityRules.model_validate(
        {
            "revenue_points": [{"at_least": "10", "points": 5}],
            "tier_points": {"standard": 1},
            "hours_points": [{"at_most": 1, "points": 1}],
            "levels": [
                {"at_least": 7, "severity": "critical"},
                {"at_least": 5, "severity": "high"},
            ],
        }
    )
    assert assess_severity(_inputs("10", "standard", 1.0), rules).severity == "critical"
    assert assess_severity(_inputs("10"), rules).severity == "high"
    assert assess_severity(_inputs("9.99", "standard", 1.0), rules).severity == "low"
    assert assess_severity(_inputs("10", "key"), rules).points == 5


def test_band_order_in_the_policy_file_does_not_change_the_result() -> None:
    reordered = SeverityRules(
        revenue_points=list(reversed(RULES.revenue_points)),
        tier_points=RULES.tier_points,
        hours_points=list(reversed(RULES.hours_points)),
        levels=list(reversed(RULES.levels)),
    )
    inputs = _inputs("30000", "strategic", 0.0)
    assert assess_severity(inputs, reordered).severity == assess_severity(inputs, RULES).severity


# --- severity_inputs ----------------------------------------------------------------------


def _context(**kwargs: Any) -> CaseContext:
    return CaseContext(**kwargs)


def test_revenue_is_the_whole_order_when_the_event_names_no_sku() -> None:
    order = make_order(
        lines=[make_line(1, "SKU-1", 3, "19.99"), make_line(2, "SKU-2", 2, "100.005")]
    )
    inputs = severity_inputs(make_event(), _context(order=order))
    assert inputs.revenue_at_risk == Decimal("259.98")


def test_revenue_is_the_affected_lines_when_the_event_names_a_sku() -> None:
    order = make_order(
        lines=[
            make_line(1, "SKU-1", 3, "19.99"),
            make_line(2, "SKU-2", 2, "100.00"),
            make_line(3, "SKU-1", 1, "0.03"),
        ]
    )
    inputs = severity_inputs(make_event(sku="SKU-1"), _context(order=order))
    assert inputs.revenue_at_risk == Decimal("60.00")


def test_revenue_is_the_whole_order_when_the_events_sku_is_not_on_it() -> None:
    order = make_order(lines=[make_line(1, "SKU-1", 2, "5.00"), make_line(2, "SKU-2", 1, "7.50")])
    inputs = severity_inputs(make_event(sku="SKU-9"), _context(order=order))
    assert inputs.revenue_at_risk == Decimal("17.50")


def test_revenue_is_exact_decimal_arithmetic() -> None:
    order = make_order(lines=[make_line(1, "SKU-1", 3, "0.10")])
    inputs = severity_inputs(make_event(), _context(order=order))
    assert isinstance(inputs.revenue_at_risk, Decimal)
    assert inputs.revenue_at_risk == Decimal("0.30")


def test_the_order_wins_over_an_amount_the_event_states() -> None:
    order = make_order(lines=[make_line(1, "SKU-1", 1, "10.00")])
    event = make_event(attributes={"revenue_at_risk": "50000"})
    assert severity_inputs(event, _context(order=order)).revenue_at_risk == Decimal("10.00")


@pytest.mark.parametrize(
    "name", ["revenue_at_risk", "order_value", "amount", "invoice_total", "exposure"]
)
def test_without_an_order_each_stated_amount_counts(name: str) -> None:
    event = make_event(attributes={name: "1234.50"})
    assert severity_inputs(event, _context()).revenue_at_risk == Decimal("1234.50")


def test_stated_amounts_are_taken_in_priority_order() -> None:
    event = make_event(
        attributes={"exposure": "1", "invoice_total": "2", "order_value": "3", "amount": "4"}
    )
    assert severity_inputs(event, _context()).revenue_at_risk == Decimal("3")


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("$5,000.00", "5000.00"),
        ("1,200", "1200"),
        (" 42.10 ", "42.10"),
        (300, "300"),
        (12.5, "12.5"),
        ("0", "0"),
    ],
)
def test_stated_amounts_in_common_notations(value: object, expected: str) -> None:
    event = make_event(attributes={"revenue_at_risk": value})
    assert severity_inputs(event, _context()).revenue_at_risk == Decimal(expected)


@pytest.mark.parametrize(
    "bad", [True, False, None, "lots", "", "-5", -5, "NaN", "Infinity", {"v": 1}, [1]]
)
def test_an_unusable_amount_is_skipped_for_the_next(bad: object) -> None:
    event = make_event(attributes={"revenue_at_risk": bad, "order_value": "77.00"})
    assert severity_inputs(event, _context()).revenue_at_risk == Decimal("77.00")


def test_no_order_and_no_amount_means_nothing_at_risk() -> None:
    inputs = severity_inputs(make_event(), _context())
    assert inputs == SeverityInputs(Decimal(0), None, None)


@pytest.mark.parametrize(
    ("occurred_at", "hours"),
    [
        (datetime(2025, 3, 14, 23, 59, 59, tzinfo=UTC), 0.0),
        (datetime(2025, 3, 13, 23, 59, 59, tzinfo=UTC), 24.0),
        (datetime(2025, 3, 11, 23, 59, 59, tzinfo=UTC), 72.0),
        (datetime(2025, 3, 15, 23, 59, 59, tzinfo=UTC), -24.0),
        (datetime(2025, 3, 14, 0, 0, 0, tzinfo=UTC), 23.0 + 59 / 60 + 59 / 3600),
        # The same instant as 23:59:59Z, stated in another offset.
        (datetime(2025, 3, 14, 20, 59, 59, tzinfo=timezone(timedelta(hours=-3))), 0.0),
    ],
)
def test_hours_run_to_the_end_of_the_promised_day_in_utc(
    occurred_at: datetime, hours: float
) -> None:
    order = make_order(promised_date=date(2025, 3, 14))
    inputs = severity_inputs(make_event(occurred_at=occurred_at), _context(order=order))
    assert inputs.hours_to_promise == pytest.approx(hours)


def test_no_order_means_unknown_hours() -> None:
    assert severity_inputs(make_event(), _context()).hours_to_promise is None


@pytest.mark.parametrize("tier", ["strategic", "key", "standard"])
def test_tier_comes_from_the_customer(tier: CustomerTier) -> None:
    inputs = severity_inputs(make_event(), _context(customer=make_customer(tier=tier)))
    assert inputs.tier == tier


def test_unknown_customer_means_unknown_tier() -> None:
    assert severity_inputs(make_event(), _context(order=make_order())).tier is None


def test_a_big_order_of_a_strategic_customer_due_now_is_critical() -> None:
    order = make_order(lines=[make_line(1, "SKU-1", 500, "50.00")], promised_date=date(2025, 3, 10))
    context = _context(order=order, customer=make_customer(tier="strategic"))
    inputs = severity_inputs(make_event(occurred_at=datetime(2025, 3, 10, 9, tzinfo=UTC)), context)
    result = assess_severity(inputs, RULES)
    assert inputs.revenue_at_risk == Decimal("25000.00")
    assert result.points == 3 + 2 + 2
    assert result.severity == "critical"


def test_a_small_order_of_a_standard_customer_due_next_month_is_low() -> None:
    order = make_order(lines=[make_line(1, "SKU-1", 1, "10.00")], promised_date=date(2025, 4, 10))
    inputs = severity_inputs(make_event(), _context(order=order, customer=make_customer()))
    assert assess_severity(inputs, RULES).severity == "low"


def test_a_return_of_delivered_goods_is_no_broken_promise() -> None:
    order = make_order(promised_date=date(2025, 3, 1))
    context = _context(order=order, customer=make_customer(tier="strategic"))
    event = make_event(occurred_at=datetime(2025, 3, 10, 9, tzinfo=UTC))

    assert severity_inputs(event, context, "carrier_delay").hours_to_promise is not None
    returned = severity_inputs(event, context, "return_request")

    assert returned.hours_to_promise is None
    assert assess_severity(returned, RULES).severity != "critical"


def test_an_inquiry_about_a_delivered_order_is_no_broken_promise() -> None:
    order = make_order(promised_date=date(2025, 3, 1)).model_copy(update={"status": "delivered"})
    event = make_event(occurred_at=datetime(2025, 3, 10, 9, tzinfo=UTC))

    assert (
        severity_inputs(event, _context(order=order), "customer_inquiry").hours_to_promise is None
    )
    open_order = make_order(promised_date=date(2025, 3, 1))
    late = severity_inputs(event, _context(order=open_order), "customer_inquiry")
    assert late.hours_to_promise is not None, "an undelivered late order is still late"


def test_an_outage_is_scored_by_the_orders_it_holds_up_and_their_deadline() -> None:
    outage = make_event(
        "Marketplace connector: POST /v2/orders/acknowledgements returned HTTP 503. "
        "14 marketplace orders not acknowledged; marketplace auto-cancels unacknowledged "
        "orders after 24 h.",
        source="erp",
        attributes={"http_status": 503},
    )

    inputs = severity_inputs(outage, _context(), "integration_failure")

    assert inputs.orders_at_risk == 14
    assert inputs.hours_to_promise == 24.0
    assert assess_severity(inputs, RULES).severity in ("high", "critical")
    quiet = make_event("Partner API returned HTTP 503 once; retried OK", source="erp")
    assert (
        assess_severity(severity_inputs(quiet, _context(), "integration_failure"), RULES).severity
        == "low"
    )
