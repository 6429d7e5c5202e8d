"""Scenario evaluation of customer drafts: each scenario is a small network and one exception
event, run through the real workflow (classify, route, remediation and credit approved as
proposed) up to its customer draft; the draft is then scored against what a correct reply
must state and must not state, and against every claim the claim checker finds unbacked.

``evals/scenarios/drafts.jsonl`` holds one scenario per line:

``id``, ``description``
    A name and what the scenario tests.
``network``
    ``customers``, ``orders``, ``shipments``, ``returns`` and optionally ``inventory`` —
    added to ``evals/scenarios/network.json`` (warehouses, SKUs, stock, lanes) to make the
    scenario's own network snapshot, loaded for a tenant of its own.
``event``
    The ``ExceptionEvent`` that opens the case.
``category``, ``purpose``, ``language``
    What the case should be classified as, what its message is for, and the language
    (``en``/``es``/``de``/``fr``) it must be written in.
``must_state``, ``must_not_state``
    Lists of ``{kind, value}``: ``kind`` is a fact kind (``quantity``, ``date``, ``money``,
    ``identifier``, ``carrier`` — values compared as the claim checker reads them, so
    ``UPSN`` matches "UPS" and ``2026-11-18`` matches "18. November 2026"), ``text`` (a
    phrase, case-insensitive) or a statement about the delivery (``late``, ``arrival``,
    ``asks_order_number``). An empty value means any claim of that kind.
``expected_document_party``, ``expected_remediation`` (optional)
    The party a document exception must be answered to, and the top remediation
    (``action``, ``total_cost``) a case must be proposed; scored by
    :mod:`exdesk.evals.proposals`, not here. A scenario of ``proposals.jsonl`` has no
    ``purpose`` or ``language`` (no draft is scored).

Run ``python -m exdesk.evals.scenarios`` (a throw-away embedded database). Targets: no draft
with an unbacked claim, no must-not violation, every required fact stated.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from importlib import resources
from importlib.abc import Traversable
from pathlib import Path
from typing import Final, Literal

from pydantic import Field

from exdesk.domain import (
    Case,
    Category,
    ContractModel,
    Currency,
    CustomerAccount,
    CustomerDraft,
    DocumentParty,
    DraftRequest,
    DraftStep,
    ExceptionEvent,
    FulfillmentAction,
    InventoryPosition,
    MessagePurpose,
    Money,
    NetworkSnapshot,
    Order,
    ReturnAuthorization,
    Shipment,
)
from exdesk.evals.engines import eval_settings
from exdesk.policies.claims import check_claims, read_claims
from exdesk.service import ExceptionDesk
from exdesk.store.api_keys import Principal

SCENARIOS: Final[Traversable] = resources.files(__package__ or __name__).joinpath("scenarios")
MAX_DECISIONS: Final = 6

ExpectedKind = Literal[
    "quantity",
    "date",
    "money",
    "identifier",
    "carrier",
    "text",
    "late",
    "arrival",
    "asks_order_number",
]
"""What a scenario expects a draft to state (or not)."""

Language = Literal["en", "es", "de", "fr"]


class ExpectedClaim(ContractModel):
    """Something a correct draft states (or must never state)."""

    kind: ExpectedKind
    value: str = ""


class ExpectedRemediation(ContractModel):
    """The remediation a case should end with (scored by the remediation evaluation)."""

    action: FulfillmentAction
    total_cost: Money | None = None
    currency: Currency = "USD"


class ScenarioNetwork(ContractModel):
    """A scenario's own objects, added to the shared reference data."""

    customers: list[CustomerAccount] = Field(default_factory=list)
    orders: list[Order] = Field(default_factory=list)
    shipments: list[Shipment] = Field(default_factory=list)
    returns: list[ReturnAuthorization] = Field(default_factory=list)
    inventory: list[InventoryPosition] = Field(default_factory=list)


class Scenario(ContractModel):
    """One self-contained case and what its draft must and must not state."""

    id: str
    description: str
    network: ScenarioNetwork
    event: ExceptionEvent
    category: Category
    purpose: MessagePurpose | None = None
    language: Language | None = None
    must_state: list[ExpectedClaim] = Field(default_factory=list)
    must_not_state: list[ExpectedClaim] = Field(default_factory=list)
    expected_document_party: DocumentParty | None = None
    expected_remediation: ExpectedRemediation | None = None


@dataclass(frozen=True)
class ScenarioResult:
    """How one scenario's draft scored."""

    scenario: Scenario
    draft: CustomerDraft | None
    request: DraftRequest | None
    triaged: bool
    unbacked: tuple[str, ...]
    """The claim checker's messages on the draft."""
    missing: tuple[ExpectedClaim, ...]
    """Required facts the draft does not state."""
    violated: tuple[ExpectedClaim, ...]
    """Things stated that must not be."""
    mismatches: tuple[str, ...]
    """Category, purpose or language other than expected, or no draft at all."""


@dataclass(frozen=True)
class ScenarioReport:
    """The figures over all scenarios."""

    results: tuple[ScenarioResult, ...]

    @property
    def drafts(self) -> int:
        """Scenarios that ended with a draft."""
        return sum(1 for r in self.results if r.draft is not None)

    @property
    def unbacked_drafts(self) -> int:
        """Drafts with at least one unbacked claim (target 0)."""
        return sum(1 for r in self.results if r.unbacked)

    @property
    def required(self) -> int:
        """Required facts over all scenarios."""
        return sum(len(r.scenario.must_state) for r in self.results)

    @property
    def recall(self) -> float:
        """Share of required facts the drafts state."""
        missing = sum(len(r.missing) for r in self.results)
        return (self.required - missing) / self.required if self.required else 1.0

    @property
    def violations(self) -> int:
        """Must-not facts stated (target 0)."""
        return sum(len(r.violated) for r in self.results)

    @property
    def mismatches(self) -> list[str]:
        """Every expectation of category, purpose, language or draft not met."""
        return [f"{r.scenario.id}: {m}" for r in self.results for m in r.mismatches]

    def lines(self) -> list[str]:
        """The report as text."""
        out = [
            f"scenarios: {len(self.results)}   drafts: {self.drafts}   "
            f"triaged: {sum(r.triaged for r in self.results)}",
            f"drafts with an unbacked claim: {self.unbacked_drafts} (target 0)",
            f"required-fact recall: {self.recall:.3f} "
            f"({self.required - sum(len(r.missing) for r in self.results)}/{self.required})",
            f"must-not violations: {self.violations} (target 0)",
            f"expectation mismatches: {len(self.mismatches)}",
        ]
        for result in self.results:
            for message in result.unbacked:
                out.append(f"  unbacked  {result.scenario.id}: {message}")
            for claim in result.missing:
                out.append(f"  missing   {result.scenario.id}: {claim.kind} {claim.value!r}")
            for claim in result.violated:
                out.append(f"  violated  {result.scenario.id}: {claim.kind} {claim.value!r}")
        out += [f"  mismatch  {m}" for m in self.mismatches]
        return out


def load_scenarios(path: Path | Traversable | None = None) -> list[Scenario]:
    """The scenarios of a JSONL file (the shipped ``drafts.jsonl`` by default)."""
    source = path if path is not None else SCENARIOS.joinpath("drafts.jsonl")
    lines = source.read_text(encoding="utf-8").splitlines()
    return [Scenario.model_validate(json.loads(line)) for line in lines if line.strip()]


def base_network() -> NetworkSnapshot:
    """The reference data every scenario shares: warehouses, SKUs, stock and lanes."""
    text = SCENARIOS.joinpath("network.json").read_text(encoding="utf-8")
    return NetworkSnapshot.model_validate_json(text)


def scenario_network(scenario: Scenario, base: NetworkSnapshot) -> NetworkSnapshot:
    """The scenario's snapshot: the base with its objects added (its stock positions replace
    the base's for the same warehouse and SKU)."""
    own = scenario.network
    replaced = {(p.warehouse_id, p.sku) for p in own.inventory}
    inventory = [p for p in base.inventory if (p.warehouse_id, p.sku) not in replaced]
    return base.model_copy(
        update={
            "customers": [*base.customers, *own.customers],
            "orders": [*base.orders, *own.orders],
            "shipments": [*base.shipments, *own.shipments],
            "returns": [*base.returns, *own.returns],
            "inventory": [*inventory, *own.inventory],
        }
    )


def _drafted(desk: ExceptionDesk, tenant: str, scenario: Scenario) -> tuple[Case, bool]:
    """Run the scenario's case until its customer message waits for a rep (or it ends),
    approving every other proposal as proposed and classifying a triaged case as expected."""
    ref = desk.submit(tenant, scenario.event)
    desk.advance(tenant, ref.case_id)
    case = desk.case(tenant, ref.case_id)
    triaged = False
    for turn in range(MAX_DECISIONS):
        pending = next((a for a in case.approvals if a.status == "pending"), None)
        if pending is None or pending.kind == "customer_message":
            break
        person = Principal(tenant, f"eval-{turn}", frozenset({pending.required_role}), "eval")
        if pending.kind == "classification":
            triaged = True
            case = desk.decide(
                person, pending.approval_id, "edit", edited_proposal={"category": scenario.category}
            )
        else:
            case = desk.decide(person, pending.approval_id, "approve")
    return case, triaged


def _last_request(case: Case) -> DraftRequest | None:
    steps = [d.output for d in case.decisions if isinstance(d.output, DraftStep)]
    return steps[-1].request if steps else None


def _found(
    claims: Sequence[ExpectedClaim], draft: CustomerDraft, request: DraftRequest
) -> set[int]:
    read = read_claims(draft, request)
    text = f"{draft.subject}\n{draft.body}".casefold()
    found = set()
    for index, expected in enumerate(claims):
        if expected.kind == "text":
            hit = expected.value.casefold() in text
        else:
            hit = any(claim.states(expected.kind, expected.value) for claim in read)
        if hit:
            found.add(index)
    return found


def run_scenario(desk: ExceptionDesk, scenario: Scenario, base: NetworkSnapshot) -> ScenarioResult:
    """Load the scenario's network for a tenant of its own, run its case, score its draft."""
    tenant = f"scenario-{scenario.id}"
    desk.load_network(tenant, scenario_network(scenario, base))
    case, triaged = _drafted(desk, tenant, scenario)
    draft, request = case.draft, _last_request(case)
    mismatches = []
    category = case.classification.category if case.classification else None
    if category != scenario.category:
        mismatches.append(f"category {category}, expected {scenario.category}")
    if draft is None or request is None:
        mismatches.append(f"no draft (case {case.status})")
        return ScenarioResult(
            scenario, None, None, triaged, (), tuple(scenario.must_state), (), tuple(mismatches)
        )
    if request.purpose != scenario.purpose:
        mismatches.append(f"purpose {request.purpose}, expected {scenario.purpose}")
    if draft.locale.split("-", 1)[0] != scenario.language:
        mismatches.append(f"written in {draft.locale}, expected {scenario.language}")
    stated = _found(scenario.must_state, draft, request)
    forbidden = _found(scenario.must_not_state, draft, request)
    return ScenarioResult(
        scenario=scenario,
        draft=draft,
        request=request,
        triaged=triaged,
        unbacked=tuple(v.message for v in check_claims(draft, request)),
        missing=tuple(c for i, c in enumerate(scenario.must_state) if i not in stated),
        violated=tuple(c for i, c in enumerate(scenario.must_not_state) if i in forbidden),
        mismatches=tuple(mismatches),
    )


def run_scenarios(
    desk: ExceptionDesk, scenarios: Iterable[Scenario], *, workers: int = 1
) -> ScenarioReport:
    """Every scenario on one desk, each on a tenant of its own (so ``workers`` of them may
    run at once); results in the scenarios' order."""
    base = base_network()
    with ThreadPoolExecutor(max_workers=max(workers, 1)) as pool:
        results = pool.map(lambda scenario: run_scenario(desk, scenario, base), scenarios)
        return ScenarioReport(tuple(results))


def main() -> int:
    """Run the shipped scenarios on a throw-away embedded database; exit 1 when a target
    is missed."""
    with tempfile.TemporaryDirectory(prefix="exdesk-scenarios-") as folder:
        settings = eval_settings(Path(folder))
        with ExceptionDesk.open(settings) as desk:
            report = run_scenarios(desk, load_scenarios(), workers=settings.workers)
    print("\n".join(report.lines()))
    missed = report.unbacked_drafts or report.violations or report.recall < 1.0
    return 1 if missed or report.mismatches else 0


if __name__ == "__main__":
    sys.exit(main())
