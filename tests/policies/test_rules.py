"""The policy rules, each at its boundaries and over the closed sets it judges."""

from __future__ import annotations

import math
from decimal import Decimal
from itertools import product
from pathlib import Path
from typing import get_args

import pytest
from pydantic import ValidationError

from exdesk.domain import (
    CATEGORIES,
    SEVERITIES,
    Category,
    ClassificationProposal,
    CustomerTier,
    FulfillmentAction,
    FulfillmentOption,
    Severity,
)
from exdesk.policies.config import PolicyConfig, load_policy_config
from exdesk.policies.rules import (
    confidence_threshold,
    credit_review,
    customer_message_review,
    document_review,
    escalation,
    remediation_review,
)
from exdesk.policies.verdict import combine
from exdesk.workflows.documents import propose_resolution
from tests.support.factories import (
    make_discrepancy,
    make_extraction,
    make_option,
    make_recommendation,
)

DEFAULT = load_policy_config(Path(__file__).resolve().parents[2] / "policies" / "default.yaml")

ACTIONS: tuple[FulfillmentAction, ...] = get_args(FulfillmentAction)
TIERS: tuple[CustomerTier, ...] = get_args(CustomerTier)

# What the shipped policy says, written out independently of the code that reads it.
SENSITIVE_ACTIONS = {"cancel_duplicate", "substitute_sku", "split_shipment"}
REVIEWED_SEVERITIES = {"high", "critical"}
COST_LIMIT = "150.00"


def _custom(**changes: object) -> PolicyConfig:
    data = DEFAULT.model_dump(mode="json")
    for dotted, value in changes.items():
        *parents, leaf = dotted.split("__")
        target = data
        for part in parents:
            target = target[part]
        target[leaf] = value
    return PolicyConfig.model_validate(data)


# --- confidence-threshold -----------------------------------------------------------------


def _proposal(category: Category, confidence: float) -> ClassificationProposal:
    return ClassificationProposal(category=category, confidence=confidence, rationale="")


def test_the_shipped_thresholds() -> None:
    expected = {c: 0.80 if c in {"credit_hold", "duplicate_order"} else 0.70 for c in CATEGORIES}
    assert {c: DEFAULT.thresholds.for_category(c) for c in CATEGORIES} == expected


@pytest.mark.parametrize("category", CATEGORIES)
def test_confidence_at_the_threshold_is_allowed(category: Category) -> None:
    threshold = DEFAULT.thresholds.for_category(category)
    result = confidence_threshold(DEFAULT, _proposal(category, threshold))
    assert result.effect == "allow"
    assert result.required_role is None
    assert result.policy_id == "confidence-threshold"
    assert result.subject == "classification"
    assert result.version == DEFAULT.version


@pytest.mark.parametrize("category", CATEGORIES)
def test_confidence_under_the_threshold_goes_to_the_triage_role(category: Category) -> None:
    threshold = DEFAULT.thresholds.for_category(category)
    result = confidence_threshold(DEFAULT, _proposal(category, math.nextafter(threshold, 0.0)))
    assert result.effect == "route_to_triage"
    assert result.required_role == DEFAULT.triage_role == "ops"
    assert category in result.reason


@pytest.mark.parametrize("category", CATEGORIES)
@pytest.mark.parametrize(("confidence", "effect"), [(0.0, "route_to_triage"), (1.0, "allow")])
def test_confidence_extremes(category: Category, confidence: float, effect: str) -> None:
    assert confidence_threshold(DEFAULT, _proposal(category, confidence)).effect == effect


def test_a_category_threshold_overrides_the_default() -> None:
    config = _custom(thresholds__categories={"other": 0.95}, thresholds__default=0.5)
    assert confidence_threshold(config, _proposal("other", 0.9)).effect == "route_to_triage"
    assert confidence_threshold(config, _proposal("carrier_delay", 0.5)).effect == "allow"


def test_the_triage_role_is_configurable() -> None:
    config = _custom(triage_role="cs_rep")
    assert confidence_threshold(config, _proposal("other", 0.1)).required_role == "cs_rep"


# --- escalation ---------------------------------------------------------------------------


@pytest.mark.parametrize(("severity", "tier"), list(product([*SEVERITIES, None], [*TIERS, None])))
def test_only_critical_cases_of_strategic_customers_escalate(
    severity: Severity | None, tier: CustomerTier | None
) -> None:
    result = escalation(DEFAULT, severity, tier)
    if (severity, tier) == ("critical", "strategic"):
        assert result is not None
        assert result.effect == "escalate"
        assert result.policy_id == "escalation"
        assert "critical" in result.reason
        assert "strategic" in result.reason
    else:
        assert result is None


def test_escalation_follows_its_configuration() -> None:
    config = _custom(escalation__severities=["high", "critical"], escalation__tiers=["key"])
    assert escalation(config, "high", "key") is not None
    assert escalation(config, "critical", "strategic") is None
    assert escalation(config, "medium", "key") is None


def test_nothing_escalates_when_nothing_is_configured() -> None:
    config = _custom(escalation__severities=[], escalation__tiers=[])
    assert all(escalation(config, s, t) is None for s, t in product(SEVERITIES, TIERS))


# --- remediation-* ------------------------------------------------------------------------


def test_no_feasible_option_asks_ops_to_plan() -> None:
    results = remediation_review(DEFAULT, make_recommendation(), "low")
    assert [(r.policy_id, r.effect, r.required_role) for r in results] == [
        ("remediation-no-option", "require_approval", "ops")
    ]


@pytest.mark.parametrize(
    ("cost", "effect"),
    [
        ("0", "allow"),
        ("149.99", "allow"),
        (COST_LIMIT, "allow"),
        ("150.01", "require_approval"),
        ("10000", "require_approval"),
    ],
)
def test_cost_limit_to_the_cent(cost: str, effect: str) -> None:
    option = make_option("ship_from_alternate_dc", cost=cost)
    results = remediation_review(DEFAULT, make_recommendation(option), "low")
    assert [(r.policy_id, r.effect) for r in results] == [("remediation-cost-limit", effect)]
    assert "USD" in results[0].reason
    assert (results[0].required_role == "ops") is (effect == "require_approval")


@pytest.mark.parametrize("action", ACTIONS)
def test_sensitive_actions_always_need_ops(action: FulfillmentAction) -> None:
    results = remediation_review(DEFAULT, make_recommendation(make_option(action)), "low")
    ids = {r.policy_id for r in results}
    assert ("remediation-sensitive-action" in ids) is (action in SENSITIVE_ACTIONS)


@pytest.mark.parametrize("severity", [*SEVERITIES, None])
def test_severe_cases_always_need_ops(severity: Severity | None) -> None:
    results = remediation_review(DEFAULT, make_recommendation(make_option()), severity)
    ids = {r.policy_id for r in results}
    assert ("remediation-severity" in ids) is (severity in REVIEWED_SEVERITIES)


def test_an_option_that_breaks_the_promise_needs_ops() -> None:
    option = make_option(meets_promise=False, cost="1.00")
    results = remediation_review(DEFAULT, make_recommendation(option), "low")
    assert [r.policy_id for r in results] == ["remediation-breaks-promise"]
    assert results[0].effect == "require_approval"


def test_only_the_top_ranked_option_is_judged() -> None:
    best = make_option("ship_from_alternate_dc", cost="10.00")
    worse = make_option("cancel_duplicate", cost="9999.00", meets_promise=False)
    results = remediation_review(DEFAULT, make_recommendation(best, worse), "low")
    assert [(r.policy_id, r.effect) for r in results] == [("remediation-cost-limit", "allow")]


def test_every_reason_to_stop_is_reported() -> None:
    option = make_option("substitute_sku", cost="150.01", meets_promise=False)
    results = remediation_review(DEFAULT, make_recommendation(option), "critical")
    assert [r.policy_id for r in results] == [
        "remediation-sensitive-action",
        "remediation-severity",
        "remediation-breaks-promise",
        "remediation-cost-limit",
    ]
    assert {r.effect for r in results} == {"require_approval"}


@pytest.mark.parametrize(
    ("action", "severity", "meets", "cost"),
    list(product(ACTIONS, [*SEVERITIES, None], [True, False], [COST_LIMIT, "150.01"])),
)
def test_remediation_needs_approval_exactly_when_a_rule_says_so(
    action: FulfillmentAction, severity: Severity | None, meets: bool, cost: str
) -> None:
    option = make_option(action, cost=cost, meets_promise=meets)
    verdict = combine(remediation_review(DEFAULT, make_recommendation(option), severity))
    expected = (
        action in SENSITIVE_ACTIONS
        or severity in REVIEWED_SEVERITIES
        or not meets
        or cost != COST_LIMIT
    )
    assert verdict.needs_approval is expected
    assert verdict.required_role == ("ops" if expected else None)
    assert not verdict.denied


def test_the_remediation_approver_is_configurable() -> None:
    config = _custom(remediation__approver_role="admin")
    results = remediation_review(config, make_recommendation(make_option(cost="999")), "low")
    assert results[0].required_role == "admin"


# --- customer-message-* -------------------------------------------------------------------


def test_every_customer_message_is_reviewed_by_a_cs_rep() -> None:
    results = customer_message_review(DEFAULT, [])
    assert [(r.policy_id, r.effect, r.required_role) for r in results] == [
        ("customer-message-review", "require_approval", "cs_rep")
    ]


def test_a_draft_breaking_a_content_rule_is_denied() -> None:
    results = customer_message_review(DEFAULT, ["states a cost", "names another order"])
    assert [(r.policy_id, r.effect) for r in results] == [
        ("customer-message-review", "require_approval"),
        ("customer-message-content", "deny"),
    ]
    assert results[1].reason == "states a cost; names another order"
    assert results[1].required_role == "cs_rep"
    verdict = combine(results)
    assert verdict.denied
    assert verdict.allowed_decisions == ["reject", "edit"]


# --- credit-review ------------------------------------------------------------------------


@pytest.mark.parametrize("over", [True, False])
def test_credit_is_always_finances_decision(over: bool) -> None:
    result = credit_review(DEFAULT, over)
    assert (result.policy_id, result.effect, result.required_role) == (
        "credit-review",
        "require_approval",
        "finance",
    )
    assert ("exceeds" in result.reason) is over


# --- document-* ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("error", "reason"), [("bad ISA segment", "bad ISA segment"), (None, "no document could")]
)
def test_an_unreadable_document_goes_to_ops(error: str | None, reason: str) -> None:
    results = document_review(DEFAULT, None, error)
    assert [(r.policy_id, r.effect, r.required_role) for r in results] == [
        ("document-unreadable", "require_approval", "ops")
    ]
    assert reason in results[0].reason


def test_a_clean_confident_document_is_allowed() -> None:
    results = document_review(DEFAULT, make_extraction(), None)
    assert [(r.policy_id, r.effect, r.required_role) for r in results] == [
        ("document-clean", "allow", None)
    ]


def test_discrepancies_go_to_ops() -> None:
    extraction = make_extraction(discrepancies=[make_discrepancy(), make_discrepancy()])
    results = document_review(DEFAULT, extraction, None)
    assert [r.policy_id for r in results] == ["document-discrepancies"]
    assert results[0].reason.startswith("2 discrepancies")


def test_warnings_go_to_ops_quoting_at_most_five() -> None:
    warnings = [f"warning {i}" for i in range(1, 8)]
    results = document_review(DEFAULT, make_extraction(warnings=warnings), None)
    assert [r.policy_id for r in results] == ["document-warnings"]
    assert "warning 5" in results[0].reason
    assert "warning 6" not in results[0].reason


@pytest.mark.parametrize(
    ("status", "flagged"),
    [
        ("rejected", True),
        ("partially_accepted", True),
        ("accepted_with_errors", False),
        ("accepted", False),
        (None, False),
    ],
)
def test_a_rejected_transmission_goes_to_ops(status: str | None, flagged: bool) -> None:
    """Ops is asked about exactly the transmissions the document proposal resubmits: an
    acknowledgment that accepted with noted errors is no rejection (nothing to resend)."""
    extraction = make_extraction("functional_ack", ack_status=status)
    ids = [r.policy_id for r in document_review(DEFAULT, extraction, None)]
    assert ids == (["document-rejected-transmission"] if flagged else ["document-clean"])
    resolution = propose_resolution("document_mismatch", extraction, None)
    assert (resolution.action == "fix_and_resend") is flagged


@pytest.mark.parametrize("field", ["po_number", "lines"])
@pytest.mark.parametrize(("confidence", "flagged"), [(0.0, True), (0.7999, True), (0.80, False)])
def test_key_fields_under_the_floor_go_to_ops(field: str, confidence: float, flagged: bool) -> None:
    scores = {"po_number": 0.95, "lines": 0.95, field: confidence}
    results = document_review(DEFAULT, make_extraction(confidence=scores), None)
    assert ([r.policy_id for r in results] == ["document-low-confidence"]) is flagged
    if flagged:
        assert field in results[0].reason


def test_other_fields_low_confidence_does_not_matter() -> None:
    scores = {"po_number": 0.9, "lines": 0.9, "carrier": 0.1, "ship_date": 0.0}
    results = document_review(DEFAULT, make_extraction(confidence=scores), None)
    assert [r.policy_id for r in results] == ["document-clean"]


def test_every_document_concern_is_reported_together() -> None:
    extraction = make_extraction(
        ack_status="rejected",
        discrepancies=[make_discrepancy()],
        warnings=["instructions embedded in the document"],
        confidence={"po_number": 0.1, "lines": 0.1},
    )
    results = document_review(DEFAULT, extraction, None)
    assert [r.policy_id for r in results] == [
        "document-discrepancies",
        "document-warnings",
        "document-rejected-transmission",
        "document-low-confidence",
    ]
    assert {(r.effect, r.required_role) for r in results} == {("require_approval", "ops")}


def test_the_document_floor_is_configurable() -> None:
    config = _custom(document__min_field_confidence=0.99)
    scores = {"po_number": 0.95, "lines": 0.995}
    results = document_review(config, make_extraction(confidence=scores), None)
    assert [r.policy_id for r in results] == ["document-low-confidence"]
    assert "po_number" in results[0].reason
    assert "lines" not in results[0].reason.split(":")[-1]


@pytest.mark.parametrize(
    ("freight", "goods", "fees", "effect"),
    [
        ("140.75", "2861.88", "0", "require_approval"),  # the reship the limit used to miss
        ("100.00", "40.00", "10.00", "allow"),  # 150.00: at the limit
        ("100.00", "40.00", "10.01", "require_approval"),
        ("0.00", "150.01", "0", "require_approval"),
    ],
)
def test_the_cost_limit_applies_to_the_total_spend(
    freight: str, goods: str, fees: str, effect: str
) -> None:
    option = FulfillmentOption(
        action="reship",
        meets_promise=True,
        cost=Decimal(freight),
        goods_cost=Decimal(goods),
        fees=Decimal(fees),
        rationale="reship",
    )
    [result] = remediation_review(DEFAULT, make_recommendation(option), "low")
    assert (result.policy_id, result.effect) == ("remediation-cost-limit", effect)
    assert f"total cost {option.total_cost:.2f} USD" in result.reason


def test_an_option_cannot_state_a_total_below_what_it_spends() -> None:
    with pytest.raises(ValidationError, match="is not cost"):
        FulfillmentOption(
            action="reship",
            meets_promise=True,
            cost=Decimal("140.75"),
            goods_cost=Decimal("2861.88"),
            total_cost=Decimal("140.75"),
            rationale="an edit that hides the goods",
        )


def test_monitoring_spends_nothing_and_runs_without_ops() -> None:
    option = FulfillmentOption(
        action="monitor", meets_promise=True, cost=Decimal("0"), rationale="watch"
    )
    [result] = remediation_review(DEFAULT, make_recommendation(option), "low")
    assert result.effect == "allow"
