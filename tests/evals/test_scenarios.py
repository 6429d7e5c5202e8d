"""The draft scenario suite runs inside ``make test``: every scenario through the real
workflow on the test database, its draft scored against what it must and must not state."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Final

import pytest

from exdesk.agents.registry import AgentSet
from exdesk.domain import Category
from exdesk.evals.scenarios import ScenarioReport, load_scenarios, run_scenarios
from tests.evals.conftest import inline_desk

CUSTOMER_FACING: Final[frozenset[Category]] = frozenset(
    {
        "carrier_delay",
        "shipment_lost",
        "shipment_damaged",
        "inventory_shortage",
        "return_request",
        "customer_inquiry",
        "address_issue",
        "credit_hold",
    }
)


@pytest.fixture(scope="module")
def report(
    pg_server_url: str,
    session_data_dir: object,
    agents: AgentSet,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[ScenarioReport]:
    """Every shipped scenario, run once for the module on a fresh database."""
    with inline_desk(pg_server_url, tmp_path_factory.mktemp("scenarios"), agents) as desk:
        yield run_scenarios(desk, load_scenarios(), workers=1)


def test_the_suite_covers_every_customer_facing_category_and_language() -> None:
    scenarios = load_scenarios()
    assert len(scenarios) >= 40
    assert {s.category for s in scenarios} == CUSTOMER_FACING
    assert {s.language for s in scenarios} == {"en", "es", "de", "fr"}
    assert {"invoice_copy", "proof_of_delivery", "status"} <= {s.purpose for s in scenarios}
    assert len({s.id for s in scenarios}) == len(scenarios)


def test_every_scenario_ends_with_the_expected_draft(report: ScenarioReport) -> None:
    assert report.drafts == len(report.results)
    assert report.mismatches == []


def test_no_draft_states_an_unbacked_claim(report: ScenarioReport) -> None:
    assert report.unbacked_drafts == 0, "\n".join(report.lines())


def test_every_required_fact_is_stated_and_nothing_forbidden(report: ScenarioReport) -> None:
    assert report.recall == 1.0, "\n".join(report.lines())
    assert report.violations == 0, "\n".join(report.lines())
