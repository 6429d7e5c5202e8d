"""The graph's conditional edges: where a case goes next, from its state alone."""

from __future__ import annotations

from itertools import product
from typing import get_args

import pytest

from exdesk.domain import ROUTES, ApprovalDecision, ApprovalKind, Route, Stage
from exdesk.workflows.edges import (
    STAGE_NODE,
    after_gate,
    after_policies,
    after_route,
    next_stage_node,
)
from exdesk.workflows.routing import ROUTE_STAGES
from exdesk.workflows.state import CaseState, LastDecision, NodeName, Outcome, PendingApproval

STAGES: tuple[Stage, ...] = get_args(Stage)
KINDS: tuple[ApprovalKind, ...] = get_args(ApprovalKind)
DECISIONS: tuple[ApprovalDecision, ...] = get_args(ApprovalDecision)
OUTCOMES: tuple[Outcome, ...] = get_args(Outcome)

PRODUCER: dict[Stage, NodeName] = {
    "remediation": "recommend_fulfillment",
    "document": "extract_document",
    "credit": "review_credit",
    "customer_message": "draft_customer_message",
}


def _pending(kind: ApprovalKind = "remediation") -> PendingApproval:
    return PendingApproval(approval_id="ap-1", kind=kind, required_role="ops", stage=None)


def _state(
    route: Route,
    done: list[Stage] | None = None,
    *,
    pending: PendingApproval | None = None,
    outcome: Outcome = "open",
    last: LastDecision | None = None,
) -> CaseState:
    return CaseState(
        route=route,
        stages_done=list(done or []),
        pending_approval=pending,
        outcome=outcome,
        last_decision=last,
    )


def _prefixes(route: Route) -> list[tuple[Route, list[Stage]]]:
    stages = ROUTE_STAGES[route]
    return [(route, list(stages[:n])) for n in range(len(stages) + 1)]


ROUTE_PROGRESS = [case for route in ROUTES for case in _prefixes(route)]
"""Every route with every number of its stages done."""


def _expected_next(route: Route, done: list[Stage]) -> NodeName:
    remaining = [s for s in ROUTE_STAGES[route] if s not in done]
    if remaining:
        return PRODUCER[remaining[0]]
    return "execute" if done else "resolve"


def test_every_stage_has_its_producing_node() -> None:
    assert dict(STAGE_NODE) == PRODUCER
    assert set(STAGE_NODE) == set(STAGES)


@pytest.mark.parametrize(("route", "done"), ROUTE_PROGRESS)
def test_next_stage_node_over_every_route_and_progress(route: Route, done: list[Stage]) -> None:
    assert next_stage_node(_state(route, done)) == _expected_next(route, done)


@pytest.mark.parametrize("route", [r for r in ROUTES if ROUTE_STAGES[r]])
def test_a_route_with_every_stage_done_executes(route: Route) -> None:
    assert next_stage_node(_state(route, list(ROUTE_STAGES[route]))) == "execute"


def test_triage_with_nothing_done_resolves() -> None:
    assert next_stage_node(_state("triage")) == "resolve"


@pytest.mark.parametrize("route", ROUTES)
def test_missing_stages_done_counts_as_nothing_done(route: Route) -> None:
    state = CaseState(route=route)
    assert next_stage_node(state) == _expected_next(route, [])


# --- after_route --------------------------------------------------------------------------


@pytest.mark.parametrize(("route", "done"), ROUTE_PROGRESS)
@pytest.mark.parametrize("outcome", OUTCOMES)
def test_after_route_waits_at_the_gate_whenever_an_approval_is_pending(
    route: Route, done: list[Stage], outcome: Outcome
) -> None:
    state = _state(route, done, pending=_pending("classification"), outcome=outcome)
    assert after_route(state) == "approval_gate"


@pytest.mark.parametrize("route", ROUTES)
def test_after_route_resolves_a_case_a_person_closed(route: Route) -> None:
    assert after_route(_state(route, outcome="closed")) == "resolve"


@pytest.mark.parametrize(("route", "done"), ROUTE_PROGRESS)
def test_after_route_starts_the_routes_stages(route: Route, done: list[Stage]) -> None:
    assert after_route(_state(route, done)) == _expected_next(route, done)


def test_after_route_sends_a_fresh_fulfillment_case_to_the_recommender() -> None:
    assert after_route(_state("fulfillment")) == "recommend_fulfillment"


# --- after_policies -----------------------------------------------------------------------


@pytest.mark.parametrize(("route", "done"), ROUTE_PROGRESS)
@pytest.mark.parametrize("kind", KINDS)
def test_after_policies_waits_when_an_approval_is_pending(
    route: Route, done: list[Stage], kind: ApprovalKind
) -> None:
    assert after_policies(_state(route, done, pending=_pending(kind))) == "approval_gate"


@pytest.mark.parametrize(("route", "done"), ROUTE_PROGRESS)
def test_after_policies_goes_on_without_a_pending_approval(route: Route, done: list[Stage]) -> None:
    assert after_policies(_state(route, done)) == _expected_next(route, done)


def test_after_policies_goes_from_an_approved_remedy_to_the_customer_message() -> None:
    assert after_policies(_state("fulfillment", ["remediation"])) == "draft_customer_message"


# --- after_gate ---------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "decision"), list(product(KINDS, DECISIONS)))
@pytest.mark.parametrize("route", ROUTES)
def test_after_gate_resolves_a_rejected_case_whatever_the_last_decision(
    kind: ApprovalKind, decision: ApprovalDecision, route: Route
) -> None:
    last = LastDecision(kind=kind, decision=decision)
    assert after_gate(_state(route, outcome="rejected", last=last)) == "resolve"


@pytest.mark.parametrize("decision", DECISIONS)
@pytest.mark.parametrize("route", ROUTES)
def test_after_gate_reassesses_after_a_human_classification(
    decision: ApprovalDecision, route: Route
) -> None:
    last = LastDecision(kind="classification", decision=decision)
    assert after_gate(_state(route, last=last)) == "assess_severity"


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "classification"])
@pytest.mark.parametrize(("route", "done"), ROUTE_PROGRESS)
def test_after_gate_rechecks_an_edited_proposal(
    kind: ApprovalKind, route: Route, done: list[Stage]
) -> None:
    last = LastDecision(kind=kind, decision="edit")
    assert after_gate(_state(route, done, last=last)) == "check_policies"


@pytest.mark.parametrize("kind", [k for k in KINDS if k != "classification"])
@pytest.mark.parametrize(("route", "done"), ROUTE_PROGRESS)
def test_after_gate_goes_on_after_an_approval(
    kind: ApprovalKind, route: Route, done: list[Stage]
) -> None:
    last = LastDecision(kind=kind, decision="approve")
    assert after_gate(_state(route, done, last=last)) == _expected_next(route, done)


@pytest.mark.parametrize(("route", "done"), ROUTE_PROGRESS)
def test_after_gate_without_a_recorded_decision_goes_on(route: Route, done: list[Stage]) -> None:
    assert after_gate(_state(route, done)) == _expected_next(route, done)


def test_after_gate_sends_an_approved_credit_decision_to_the_customer_message() -> None:
    last = LastDecision(kind="credit", decision="approve")
    assert after_gate(_state("finance", ["credit"], last=last)) == "draft_customer_message"


def test_after_gate_executes_once_the_last_message_is_approved() -> None:
    last = LastDecision(kind="customer_message", decision="approve")
    state = _state("fulfillment", ["remediation", "customer_message"], last=last)
    assert after_gate(state) == "execute"
