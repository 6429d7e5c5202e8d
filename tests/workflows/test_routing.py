"""Routing: the taxonomy's routes as CONTRACT §2 fixes them, triage under the threshold, and
the stages each route walks through."""

from __future__ import annotations

import math
from itertools import permutations
from pathlib import Path
from typing import get_args

import pytest

from exdesk.domain import (
    CATEGORIES,
    CATEGORY_ROUTE,
    ROUTES,
    Category,
    ClassificationProposal,
    PolicyEffect,
    Route,
    Stage,
)
from exdesk.policies.config import load_policy_config
from exdesk.policies.rules import confidence_threshold
from exdesk.workflows.routing import ROUTE_STAGES, next_stage, route_case
from tests.support.factories import make_policy_result

DEFAULT_POLICY = load_policy_config(
    Path(__file__).resolve().parents[2] / "policies" / "default.yaml"
)

# Transcribed from the table in CONTRACT §2; users and evaluations depend on it.
CONTRACT_ROUTES: dict[str, str] = {
    "inventory_shortage": "fulfillment",
    "carrier_delay": "fulfillment",
    "shipment_damaged": "fulfillment",
    "shipment_lost": "fulfillment",
    "address_issue": "customer_comm",
    "document_mismatch": "document",
    "integration_failure": "document",
    "credit_hold": "finance",
    "duplicate_order": "fulfillment",
    "return_request": "customer_comm",
    "customer_inquiry": "customer_comm",
    "other": "triage",
}

EFFECTS: tuple[PolicyEffect, ...] = get_args(PolicyEffect)
STAGES: tuple[Stage, ...] = get_args(Stage)


def test_the_taxonomy_is_exactly_the_contracts_twelve_categories() -> None:
    assert len(CATEGORIES) == 12
    assert set(CATEGORIES) == set(CONTRACT_ROUTES)


def test_the_routes_are_exactly_the_contracts_five() -> None:
    assert set(ROUTES) == {"fulfillment", "customer_comm", "document", "finance", "triage"}


def test_category_route_is_the_contracts_table() -> None:
    assert dict(CATEGORY_ROUTE) == CONTRACT_ROUTES


def test_every_route_is_reached_by_some_category() -> None:
    assert set(CATEGORY_ROUTE.values()) == set(ROUTES)


@pytest.mark.parametrize("category", CATEGORIES)
@pytest.mark.parametrize("effect", EFFECTS)
def test_route_case_over_every_category_and_policy_effect(
    category: Category, effect: PolicyEffect
) -> None:
    route = route_case(category, make_policy_result(effect))
    expected = "triage" if effect == "route_to_triage" else CONTRACT_ROUTES[category]
    assert route == expected


@pytest.mark.parametrize("category", CATEGORIES)
def test_confidence_exactly_at_the_threshold_routes_by_category(category: Category) -> None:
    threshold = DEFAULT_POLICY.thresholds.for_category(category)
    proposal = ClassificationProposal(category=category, confidence=threshold, rationale="")
    assert (
        route_case(category, confidence_threshold(DEFAULT_POLICY, proposal))
        == (CONTRACT_ROUTES[category])
    )


@pytest.mark.parametrize("category", CATEGORIES)
def test_confidence_just_under_the_threshold_goes_to_triage(category: Category) -> None:
    threshold = DEFAULT_POLICY.thresholds.for_category(category)
    proposal = ClassificationProposal(
        category=category, confidence=math.nextafter(threshold, 0.0), rationale=""
    )
    assert route_case(category, confidence_threshold(DEFAULT_POLICY, proposal)) == "triage"


@pytest.mark.parametrize("category", CATEGORIES)
@pytest.mark.parametrize("confidence", [0.0, 1.0])
def test_extreme_confidences(category: Category, confidence: float) -> None:
    proposal = ClassificationProposal(category=category, confidence=confidence, rationale="")
    expected = CONTRACT_ROUTES[category] if confidence == 1.0 else "triage"
    assert route_case(category, confidence_threshold(DEFAULT_POLICY, proposal)) == expected


def test_every_route_has_its_stages() -> None:
    assert set(ROUTE_STAGES) == set(ROUTES)


@pytest.mark.parametrize("route", ROUTES)
def test_stages_are_known_and_not_repeated(route: Route) -> None:
    stages = ROUTE_STAGES[route]
    assert set(stages) <= set(STAGES)
    assert len(set(stages)) == len(stages)


@pytest.mark.parametrize("route", ROUTES)
def test_the_customer_hears_last(route: Route) -> None:
    """A message states the remedy or credit decision, so it is drafted after them."""
    stages = ROUTE_STAGES[route]
    if "customer_message" in stages:
        assert stages[-1] == "customer_message"


EXPECTED_WALK: dict[Route, list[Stage]] = {
    "fulfillment": ["remediation", "customer_message"],
    "customer_comm": ["customer_message"],
    "document": ["document"],
    "finance": ["credit", "customer_message"],
    "triage": [],
}


@pytest.mark.parametrize("route", ROUTES)
def test_next_stage_walks_the_route_in_order(route: Route) -> None:
    done: list[Stage] = []
    walked: list[Stage] = []
    while (stage := next_stage(route, done)) is not None:
        walked.append(stage)
        done.append(stage)
        assert len(walked) <= len(STAGES), "next_stage must terminate"
    assert walked == EXPECTED_WALK[route]


@pytest.mark.parametrize("route", ROUTES)
def test_next_stage_is_none_once_everything_is_done(route: Route) -> None:
    assert next_stage(route, list(STAGES)) is None
    assert next_stage(route, tuple(ROUTE_STAGES[route])) is None


def test_triage_has_no_stage() -> None:
    assert next_stage("triage", []) is None


@pytest.mark.parametrize("route", ROUTES)
def test_stages_of_other_routes_do_not_count(route: Route) -> None:
    foreign = [s for s in STAGES if s not in ROUTE_STAGES[route]]
    expected = ROUTE_STAGES[route][0] if ROUTE_STAGES[route] else None
    assert next_stage(route, foreign) == expected


@pytest.mark.parametrize("done", list(permutations(["customer_message", "remediation"])))
def test_order_of_done_does_not_matter(done: tuple[Stage, ...]) -> None:
    assert next_stage("fulfillment", done) is None
    assert next_stage("fulfillment", done[:1]) == (
        "customer_message" if done[0] == "remediation" else "remediation"
    )


def test_a_later_stage_done_does_not_skip_an_earlier_one() -> None:
    assert next_stage("finance", ["customer_message"]) == "credit"
