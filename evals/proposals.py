"""Scenario evaluation of document and remediation proposals: each scenario (the format of
:mod:`exdesk.evals.scenarios`) runs through the real workflow up to its first proposal, and
that proposal is scored against the scenario's expectations.

``expected_document_party``
    Who the document proposal must address (``partner``, ``edi_team``, ``billing``,
    ``warehouse``, ``none``): a notice to the partner for our own document or our own
    transport failure is the error this catches.
``expected_remediation``
    The top remediation's ``action`` and ``total_cost`` (freight + replacement goods at cost
    + fees). Every remediation scenario is also checked against the policy's auto-approve
    limit: a top option that ran without ops while its total cost is over the limit counts.

Scenarios come from ``evals/scenarios/proposals.jsonl`` and from the draft scenarios
(``drafts.jsonl``) that state an expectation. Run ``python -m exdesk.evals.proposals`` (a
throw-away embedded database). Targets: no document addressed to the wrong party, no
remediation auto-approved above the limit, every expected action and total met.
"""

from __future__ import annotations

import sys
import tempfile
from collections.abc import Iterable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

from exdesk.domain import (
    Case,
    DocumentResolution,
    ExtractionStep,
    FulfillmentOption,
    NetworkSnapshot,
    RecommendationStep,
)
from exdesk.evals.engines import eval_settings
from exdesk.evals.scenarios import (
    SCENARIOS,
    Scenario,
    base_network,
    load_scenarios,
    scenario_network,
)
from exdesk.service import ExceptionDesk
from exdesk.store.api_keys import Principal

MAX_TRIAGE: int = 2


@dataclass(frozen=True)
class ProposalResult:
    """How one scenario's proposals scored."""

    scenario: Scenario
    category: str | None
    document: DocumentResolution | None
    remediation: FulfillmentOption | None
    auto_approved: bool
    """The remediation ran without asking ops."""
    limit: Decimal

    @property
    def wrong_party(self) -> bool:
        """The document proposal addresses another party than expected."""
        expected = self.scenario.expected_document_party
        if expected is None:
            return False
        return self.document is None or self.document.party != expected

    @property
    def over_limit_auto(self) -> bool:
        """Auto-approved although its total cost is over the limit (target: never)."""
        return (
            self.remediation is not None
            and self.auto_approved
            and self.remediation.spend > self.limit
        )

    @property
    def remediation_mismatches(self) -> list[str]:
        """Expected action or total cost not met."""
        expected = self.scenario.expected_remediation
        if expected is None:
            return []
        top = self.remediation
        if top is None:
            return [f"no remediation, expected {expected.action}"]
        found = []
        if top.action != expected.action:
            found.append(f"action {top.action}, expected {expected.action}")
        if expected.total_cost is not None and top.spend != expected.total_cost:
            found.append(f"total cost {top.spend}, expected {expected.total_cost}")
        return found


@dataclass(frozen=True)
class ProposalReport:
    """The figures over all scenarios."""

    results: tuple[ProposalResult, ...]

    @property
    def documents(self) -> list[ProposalResult]:
        """Scenarios with an expected document party."""
        return [r for r in self.results if r.scenario.expected_document_party is not None]

    @property
    def remediations(self) -> list[ProposalResult]:
        """Scenarios that ended with a remediation proposal."""
        return [r for r in self.results if r.remediation is not None]

    @property
    def wrong_party(self) -> int:
        """Documents addressed to the wrong party (target 0)."""
        return sum(r.wrong_party for r in self.results)

    @property
    def over_limit_auto(self) -> int:
        """Remediations auto-approved above the limit on total cost (target 0)."""
        return sum(r.over_limit_auto for r in self.results)

    @property
    def mismatches(self) -> list[str]:
        """Every expected remediation not met."""
        return [f"{r.scenario.id}: {m}" for r in self.results for m in r.remediation_mismatches]

    def lines(self) -> list[str]:
        """The report as text."""
        expected = sum(r.scenario.expected_remediation is not None for r in self.results)
        out = [
            f"scenarios: {len(self.results)}   documents: {len(self.documents)}   "
            f"remediations: {len(self.remediations)} ({expected} with an expected outcome)",
            f"documents addressed to the wrong party: {self.wrong_party} (target 0)",
            f"remediations auto-approved above the limit on total cost: {self.over_limit_auto} "
            "(target 0)",
            f"expected remediations not met: {len(self.mismatches)}",
        ]
        for r in self.results:
            if r.wrong_party:
                party = r.document.party if r.document else "no proposal"
                out.append(
                    f"  party     {r.scenario.id}: {party}, expected "
                    f"{r.scenario.expected_document_party}"
                )
            if r.over_limit_auto and r.remediation is not None:
                out.append(
                    f"  limit     {r.scenario.id}: {r.remediation.action} "
                    f"{r.remediation.spend} ran without ops"
                )
        out += [f"  mismatch  {m}" for m in self.mismatches]
        return out


def load_proposal_scenarios() -> list[Scenario]:
    """``proposals.jsonl`` and the draft scenarios with a document or remediation
    expectation."""
    drafts = [
        s
        for s in load_scenarios()
        if s.expected_document_party is not None or s.expected_remediation is not None
    ]
    return [*load_scenarios(SCENARIOS.joinpath("proposals.jsonl")), *drafts]


def _first_proposal(desk: ExceptionDesk, tenant: str, scenario: Scenario) -> Case:
    """Run the case to its first stop after classification (triage classifies it as the
    scenario says)."""
    ref = desk.submit(tenant, scenario.event)
    desk.advance(tenant, ref.case_id)
    case = desk.case(tenant, ref.case_id)
    for turn in range(MAX_TRIAGE):
        pending = next((a for a in case.approvals if a.status == "pending"), None)
        if pending is None or pending.kind != "classification":
            break
        person = Principal(tenant, f"triage-{turn}", frozenset({pending.required_role}), "eval")
        case = desk.decide(
            person, pending.approval_id, "edit", edited_proposal={"category": scenario.category}
        )
    return case


def run_proposal_scenario(
    desk: ExceptionDesk, scenario: Scenario, base: NetworkSnapshot
) -> ProposalResult:
    """Load the scenario's network for a tenant of its own, run its case, score it."""
    tenant = f"proposal-{scenario.id}"
    desk.load_network(tenant, scenario_network(scenario, base))
    case = _first_proposal(desk, tenant, scenario)
    documents = [d.output for d in case.decisions if isinstance(d.output, ExtractionStep)]
    plans = [d.output for d in case.decisions if isinstance(d.output, RecommendationStep)]
    top = plans[-1].options[0] if plans and plans[-1].options else None
    asked = any(a.kind == "remediation" for a in case.approvals)
    return ProposalResult(
        scenario=scenario,
        category=case.classification.category if case.classification else None,
        document=documents[-1].resolution if documents else None,
        remediation=top,
        auto_approved=top is not None and not asked,
        limit=desk.policy.remediation.auto_approve_cost_limit,
    )


def run_proposal_scenarios(
    desk: ExceptionDesk, scenarios: Iterable[Scenario], *, workers: int = 1
) -> ProposalReport:
    """Every scenario on one desk, each on a tenant of its own; results in order."""
    base = base_network()
    with ThreadPoolExecutor(max_workers=max(workers, 1)) as pool:
        results = pool.map(lambda s: run_proposal_scenario(desk, s, base), scenarios)
        return ProposalReport(tuple(results))


def main() -> int:
    """Run the shipped scenarios on a throw-away embedded database; exit 1 when a target
    is missed."""
    with tempfile.TemporaryDirectory(prefix="exdesk-proposals-") as folder:
        settings = eval_settings(Path(folder))
        with ExceptionDesk.open(settings) as desk:
            report = run_proposal_scenarios(
                desk, load_proposal_scenarios(), workers=settings.workers
            )
    print("\n".join(report.lines()))
    return 1 if report.wrong_party or report.over_limit_auto or report.mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
