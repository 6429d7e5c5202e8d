"""The document and remediation scenario suite runs inside ``make test``: every scenario
through the real workflow on the test database, its first proposal scored against the party
a document notice must address and the remediation (action, total cost) it must propose."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from exdesk.agents.registry import AgentSet
from exdesk.evals.proposals import (
    ProposalReport,
    load_proposal_scenarios,
    run_proposal_scenarios,
)
from tests.evals.conftest import inline_desk


@pytest.fixture(scope="module")
def report(
    pg_server_url: str,
    session_data_dir: object,
    agents: AgentSet,
    tmp_path_factory: pytest.TempPathFactory,
) -> Iterator[ProposalReport]:
    """Every shipped proposal scenario, run once for the module on a fresh database."""
    with inline_desk(pg_server_url, tmp_path_factory.mktemp("proposals"), agents) as desk:
        yield run_proposal_scenarios(desk, load_proposal_scenarios(), workers=1)


def test_the_suite_covers_every_party_and_the_remediation_defects() -> None:
    scenarios = load_proposal_scenarios()
    parties = {s.expected_document_party for s in scenarios} - {None}
    assert parties == {"partner", "edi_team", "billing", "warehouse", "none"}
    actions = {s.expected_remediation.action for s in scenarios if s.expected_remediation}
    assert {"monitor", "reship", "expedite"} <= actions
    assert len({s.id for s in scenarios}) == len(scenarios)


def test_no_document_is_addressed_to_the_wrong_party(report: ProposalReport) -> None:
    assert report.wrong_party == 0, "\n".join(report.lines())


def test_no_remediation_runs_without_ops_above_the_limit_on_total_cost(
    report: ProposalReport,
) -> None:
    assert report.remediations
    assert report.over_limit_auto == 0, "\n".join(report.lines())


def test_every_expected_remediation_and_total_cost_is_proposed(report: ProposalReport) -> None:
    assert report.mismatches == [], "\n".join(report.lines())
