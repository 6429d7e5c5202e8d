"""Combining policy results: who must approve, whether anything is denied or escalated."""

from __future__ import annotations

from itertools import product
from typing import get_args

import pytest

from exdesk.domain import PolicyEffect
from exdesk.policies.verdict import combine
from tests.support.factories import make_policy_result

EFFECTS: tuple[PolicyEffect, ...] = get_args(PolicyEffect)
STOPPING = {"require_approval", "deny", "route_to_triage"}


def test_no_results_let_the_proposal_proceed() -> None:
    verdict = combine([])
    assert verdict.results == ()
    assert verdict.required_role is None
    assert not verdict.needs_approval
    assert not verdict.denied
    assert not verdict.escalate
    assert verdict.reason == ""


def test_allowed_proposals_proceed_and_say_why() -> None:
    results = [
        make_policy_result("allow", role=None, policy_id="a", reason="cheap"),
        make_policy_result("allow", role=None, policy_id="b", reason="confident"),
    ]
    verdict = combine(results)
    assert not verdict.needs_approval
    assert verdict.reason == "a: cheap; b: confident"
    assert verdict.allowed_decisions == ["approve", "reject", "edit"]


def test_an_allow_naming_a_role_asks_nobody() -> None:
    assert not combine([make_policy_result("allow", role="finance")]).needs_approval


def test_an_escalation_alone_flags_the_case_but_asks_nobody() -> None:
    verdict = combine([make_policy_result("escalate", role="admin")])
    assert verdict.escalate
    assert not verdict.needs_approval


def test_the_first_stopping_result_names_the_approver() -> None:
    results = [
        make_policy_result("allow", role="admin"),
        make_policy_result("escalate", role="compliance"),
        make_policy_result("require_approval", role="ops"),
        make_policy_result("deny", role="finance"),
    ]
    verdict = combine(results)
    assert verdict.required_role == "ops"
    assert verdict.denied
    assert verdict.escalate


def test_a_stopping_result_without_a_role_defers_to_the_next_one_with_a_role() -> None:
    results = [
        make_policy_result("require_approval", role=None),
        make_policy_result("require_approval", role="cs_rep"),
    ]
    assert combine(results).required_role == "cs_rep"


def test_the_reason_names_only_what_stopped_the_proposal() -> None:
    results = [
        make_policy_result("allow", role=None, policy_id="cost", reason="within"),
        make_policy_result("require_approval", policy_id="promise", reason="late"),
        make_policy_result("escalate", policy_id="escalation", reason="critical"),
    ]
    assert combine(results).reason == "promise: late; escalation: critical"


def test_the_results_are_kept_in_order() -> None:
    results = [make_policy_result(effect, policy_id=effect) for effect in EFFECTS]
    assert [r.policy_id for r in combine(results).results] == list(EFFECTS)


@pytest.mark.parametrize(("first", "second"), list(product(EFFECTS, EFFECTS)))
def test_every_pair_of_effects(first: PolicyEffect, second: PolicyEffect) -> None:
    results = [
        make_policy_result(first, role="ops", policy_id="first"),
        make_policy_result(second, role="finance", policy_id="second"),
    ]
    verdict = combine(results)
    expected_role = "ops" if first in STOPPING else "finance" if second in STOPPING else None
    assert verdict.required_role == expected_role
    assert verdict.needs_approval is (expected_role is not None)
    assert verdict.denied is ("deny" in (first, second))
    assert verdict.escalate is ("escalate" in (first, second))
    expected_decisions = ["reject", "edit"] if verdict.denied else ["approve", "reject", "edit"]
    assert verdict.allowed_decisions == expected_decisions


@pytest.mark.parametrize("effect", sorted(STOPPING))
def test_a_stopping_result_without_a_role_still_stops(effect: PolicyEffect) -> None:
    assert combine([make_policy_result(effect, role=None)]).needs_approval
