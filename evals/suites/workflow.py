"""The workflow suite: events through the real workflow on a throw-away database.

Default data: the demo events (``exdesk.examples``) with ``expected_categories()`` over the
demo network; ``--dataset`` takes classification samples (their ``informational`` flag
included) whose references point into the demo network. Each event is submitted and run to
its first stop, one at a time (so its time is its own), under a tenant per epoch.

**Who needed a person**, from the labels (:func:`needs_person`): a sample's
``metadata.needs_person`` (``true``/``false``) when it has one; else an event labelled
``informational`` did not; else the labelled category decides, because under the shipped
policies these categories' routes always end at a person — fulfilment and customer routes
send a customer message (always reviewed by a CS rep), the finance route a credit decision
(always finance), ``document_mismatch`` is by definition a disagreement with the order
(discrepancy review by ops), and ``other`` is classified by a person in triage. An
``integration_failure`` is left undecided (unscorable for the gate): a transport error may be
resubmitted automatically, while a rejected acknowledgment needs ops, and the category alone
does not say which. A case *got one* when
its first stop is a pending approval (``awaiting_approval`` or ``escalated``) and nothing
was written to the outbox. A *false auto-action* is an outbox write on a case that needed a
person, with no person's decision in its log; there must be none. Informational events are
*closed correctly* when the case resolves with ``resolution = no_action``; an exception
closed that way with no person deciding is *closed unseen* — the costly error, counted apart
(there must be none).
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from typing import Any

from exdesk.agents.registry import AGENTS
from exdesk.domain import (
    CATEGORY_ROUTE,
    WAITING_STATUSES,
    Case,
    ClassificationProposal,
    ClassifyStep,
    DecisionRecord,
    EngineName,
    ExceptionEvent,
    GateStep,
    NetworkSnapshot,
)
from exdesk.evals.engine_trace import shadow_answer, trace_usage
from exdesk.evals.engines import agent_settings
from exdesk.evals.formats._jsonl import display_path
from exdesk.evals.formats.classification import load_classification
from exdesk.evals.metric import Estimate, Evaluated, Metric
from exdesk.evals.records import EngineTrace, EvalEngine, SampleRecord, SuiteName
from exdesk.evals.suite import RunOptions
from exdesk.evals.throwaway_db import throwaway_database
from exdesk.examples import example_events, example_network, expected_categories
from exdesk.service import ExceptionDesk

RESOLUTION_SUPPORTED = "resolution" in Case.model_fields
"""Whether the workflow records why a case ended (``no_action`` for informational events)."""


@dataclass(frozen=True)
class WorkflowSample:
    """An event, its labelled category and whether it is informational."""

    event: ExceptionEvent
    category: str
    informational: bool
    ref: str
    metadata: dict[str, str]


def informational_closed(items: Sequence[Evaluated[dict[str, Any]]]) -> Estimate:
    """Share of informational events closed with no action; unscorable (counted, with the
    reason) while the workflow records no resolution."""
    scored = [
        i.record.scores.get("informational_closed")
        for i in items
        if i.record.target["informational"]
    ]
    if not scored:
        return Estimate(None, 0, note="no informational event in the dataset")
    if not RESOLUTION_SUPPORTED:
        return Estimate(None, 0, len(scored), note="the workflow records no resolution yet")
    known = [s for s in scored if s is not None]
    return Estimate(
        sum(known) / len(known) if known else None, len(known), len(scored) - len(known)
    )


METRICS: list[Metric[dict[str, Any]]] = [
    Metric("route_accuracy", "case took its labelled category's route", gate=True),
    Metric(
        "gate_correct",
        "cases that needed a person stopped for one, with nothing executed",
        gate=True,
    ),
    Metric(
        "false_auto_action",
        "outbox writes on a case that needed a person, with no person deciding (must be 0)",
        higher_is_better=False,
        gate=True,
        must_be_zero=True,
    ),
    Metric(
        "informational_closed",
        "informational events closed with no action",
        aggregate=informational_closed,
    ),
    Metric(
        "exception_closed_unseen",
        "exceptions closed as informational with no person deciding (the costly error; must be 0)",
        higher_is_better=False,
        must_be_zero=True,
    ),
    Metric("category_accuracy", "the workflow's category is the labelled one"),
    Metric("triaged", "share sent to a person to classify", higher_is_better=False),
    Metric("failed", "cases that ended failed", higher_is_better=False),
    Metric("seconds_per_case", "seconds from submission to first stop", higher_is_better=False),
]


def _tier(network: NetworkSnapshot, event: ExceptionEvent) -> str:
    customer_id = event.customer_id
    if customer_id is None and event.order_id is not None:
        order = next((o for o in network.orders if o.order_id == event.order_id), None)
        customer_id = order.customer_id if order else None
    customer = next((c for c in network.customers if c.customer_id == customer_id), None)
    return customer.tier if customer else "unknown"


def demo_samples() -> list[WorkflowSample]:
    """The demo events with their labelled categories."""
    labels = expected_categories()
    return [
        WorkflowSample(
            e,
            labels[e.source_event_id],
            False,
            f"examples/exceptions.jsonl#{e.source_event_id}",
            {},
        )
        for e in example_events()
    ]


def needs_person(sample: WorkflowSample) -> bool | None:
    """Whether the labels say a person had to decide (None: they do not say)."""
    stated = sample.metadata.get("needs_person")
    if stated is not None:
        return stated.strip().lower() in ("true", "yes", "1")
    if sample.informational:
        return False
    return None if sample.category == "integration_failure" else True


def score_case(
    case: Case, sample: WorkflowSample
) -> tuple[dict[str, float | None], dict[str, Any]]:
    """Per-sample scores and the observation of one case at its first stop."""
    expected_route = CATEGORY_ROUTE[sample.category]  # type: ignore[index]
    human_decided = any(isinstance(d.output, GateStep) for d in case.decisions)
    auto_action = bool(case.actions) and not human_decided
    needed = needs_person(sample)
    waiting = case.status in WAITING_STATUSES
    got_person = waiting and not case.actions
    informational: float | None = None
    if sample.informational and RESOLUTION_SUPPORTED:
        informational = float(
            case.status == "resolved" and getattr(case, "resolution", None) == "no_action"
        )
    closed_unseen: float | None = None
    if not sample.informational and RESOLUTION_SUPPORTED:
        closed_unseen = float(
            case.status == "resolved"
            and getattr(case, "resolution", None) == "no_action"
            and not human_decided
        )
    category = case.classification.category if case.classification else None
    scores: dict[str, float | None] = {
        "route_accuracy": float(case.route == expected_route),
        "gate_correct": None if not needed else float(got_person),
        "false_auto_action": None if needed is None else float(needed and auto_action),
        "informational_closed": informational,
        "exception_closed_unseen": closed_unseen,
        "category_accuracy": None if category is None else float(category == sample.category),
        "triaged": float(case.route == "triage"),
        "failed": float(case.status == "failed"),
    }
    observation = {
        "case_id": case.case_id,
        "status": case.status,
        "route": case.route,
        "expected_route": expected_route,
        "category": category,
        "confidence": case.classification.confidence if case.classification else None,
        "pending": [f"{a.required_role}:{a.kind}" for a in case.approvals if a.status == "pending"],
        "actions": [m.kind for m in case.actions],
        "needs_person": needed,
        "failure_reason": case.failure_reason,
        "resolution": getattr(case, "resolution", None),
    }
    return scores, observation


class _Session:
    def __init__(
        self, samples: list[WorkflowSample], dataset: str, options: RunOptions, stack: ExitStack
    ):
        self.samples = samples
        self.dataset = dataset
        self.notes: list[str] = []
        if not RESOLUTION_SUPPORTED:
            count = sum(s.informational for s in samples)
            self.notes.append(
                f"informational events ({count}) are unscorable: the workflow records no "
                "resolution (no_action) yet"
            )
        settings = agent_settings(options, AGENTS, workers=1)
        url = stack.enter_context(throwaway_database(options.database_url))
        settings = settings.model_copy(update={"database_url": url})
        self.engine = options.engine
        self.desk = stack.enter_context(ExceptionDesk.open(settings))
        self.network = example_network()
        self.tenants: set[str] = set()

    @property
    def size(self) -> int:
        return len(self.samples)

    def evaluate(self, index: int, epoch: int) -> SampleRecord:
        sample = self.samples[index]
        tenant = f"eval-{epoch}"
        if tenant not in self.tenants:
            self.desk.load_network(tenant, self.network)
            self.tenants.add(tenant)
        started = time.perf_counter()
        ref = self.desk.submit(tenant, sample.event)
        self.desk.advance(tenant, ref.case_id)
        seconds = time.perf_counter() - started
        case = self.desk.case(tenant, ref.case_id)
        scores, observation = score_case(case, sample)
        scores["seconds_per_case"] = seconds
        classified = next((d for d in case.decisions if d.step == "classify"), None)
        return SampleRecord(
            id=sample.event.source_event_id,
            epoch=epoch,
            input_ref=sample.ref,
            metadata={
                "source": sample.event.source,
                "category": sample.category,
                "tier": _tier(self.network, sample.event),
                **sample.metadata,
            },
            target={"category": sample.category, "informational": sample.informational},
            output=observation,
            scores=scores,
            error=case.failure_reason,
            seconds=seconds,
            engine=None if classified is None else classify_trace(classified, self.engine),
            shadow=None
            if classified is None
            else shadow_answer(
                classified.model,
                ClassificationProposal,
                lambda answer: ({"category": answer.category}, category_scores(answer, sample)),
            ),
        )


def classify_trace(record: DecisionRecord, selected: EvalEngine) -> EngineTrace:
    """Which engine classified the case (the step that decides its route)."""
    engine: EngineName = (
        record.output.engine if isinstance(record.output, ClassifyStep) else "local"
    )
    return trace_usage(record.model, engine, selected)


def category_scores(
    proposal: ClassificationProposal, sample: WorkflowSample
) -> dict[str, float | None]:
    """A shadow classification scored on the one figure it decides alone."""
    return {"category_accuracy": float(proposal.category == sample.category)}


class WorkflowSuite:
    """The whole workflow on labelled events."""

    name: SuiteName = "workflow"
    metrics = METRICS
    engine_metric = "category_accuracy"
    """The engine figures judge the classification step (it decides the route; a shadow
    classification is scored on its category, the route being the policies' to give)."""
    group_keys: Sequence[str] = ("source", "category", "tier")

    def observe(self, record: SampleRecord) -> dict[str, Any]:
        return record.output

    @contextmanager
    def open(self, options: RunOptions) -> Iterator[_Session]:
        if options.dataset is None:
            samples = demo_samples()
            described = f"the demo events ({len(samples)}) over the demo network"
        else:
            samples = [
                WorkflowSample(
                    s.example.to_event(), s.example.category, s.informational, s.ref, s.metadata
                )
                for s in load_classification(options.dataset)
            ]
            described = (
                f"{display_path(options.dataset)} ({len(samples)} events) over the demo network"
            )
        with ExitStack() as stack:
            yield _Session(samples, described, options, stack)

    def tables(
        self, items: Sequence[Evaluated[dict[str, Any]]], options: RunOptions
    ) -> dict[str, Any]:
        misses = [
            [
                i.record.id,
                i.record.target["category"],
                f"{i.obs['category']} ({(i.obs['confidence'] or 0):.2f})",
                f"{i.obs['expected_route']} → {i.obs['route']}",
                i.obs["status"],
                ", ".join(i.obs["pending"]) or "—",
                ", ".join(i.obs["actions"]) or "—",
            ]
            for i in items
            if not i.record.scores.get("route_accuracy")
            or i.record.scores.get("gate_correct") == 0.0
        ]
        routes = sorted(
            {r for i in items for r in (i.obs["expected_route"], i.obs["route"] or "none")}
        )
        return {
            "rows": {
                "title": "Cases off their labelled route, or not stopped for a person",
                "header": [
                    "event",
                    "labelled",
                    "classified (confidence)",
                    "route",
                    "status",
                    "waiting for",
                    "outbox",
                ],
                "rows": misses,
            },
            "bars": {
                "title": "Cases per route: labelled and taken",
                "ylabel": "cases",
                "names": routes,
                "series": {
                    "labelled route": [
                        sum(i.obs["expected_route"] == r for i in items) for r in routes
                    ],
                    "route taken": [
                        sum((i.obs["route"] or "none") == r for i in items) for r in routes
                    ],
                },
            },
        }
