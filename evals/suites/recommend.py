"""The recommend suite: the fulfilment recommender on labelled scenarios over a tiny network.

Scores per scenario: whether the top option is the labelled best (action, and warehouse,
service and carrier where labelled), whether it keeps the promise (its ETA on or before the
order's promised date — checked here, not taken from ``meets_promise``; scored only where
the labelled best keeps the promise by shipping, so neither an impossible promise nor a
cancelled duplicate counts), and its cost regret:
top option's cost minus the best option's (the labelled cost, else the cost of the engine's
own option matching the label). Regret is only scored when the top option keeps the promise
as well as the labelled best does; a negative regret means the engine found a cheaper option
than the label.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from decimal import Decimal
from importlib import resources
from pathlib import Path
from typing import Any

from exdesk.agents.fulfillment_recommender.contract import RecommendationRequest
from exdesk.domain import FulfillmentOption, FulfillmentRecommendation, NetworkSnapshot
from exdesk.errors import AgentError, InputError
from exdesk.evals.engine_trace import Scored, shadow_answer, trace
from exdesk.evals.engines import build_engine
from exdesk.evals.formats._jsonl import display_path
from exdesk.evals.formats.recommendation import BestOption, Scenario, load_scenarios
from exdesk.evals.metric import Evaluated, Metric
from exdesk.evals.records import SampleRecord, SuiteName
from exdesk.evals.suite import RunOptions

RECOMMENDER_DATA = Path(str(resources.files("exdesk.evals").joinpath("datasets", "recommender")))

METRICS: list[Metric[dict[str, Any]]] = [
    Metric("top1_agreement", "top option is the labelled best", gate=True),
    Metric(
        "promise_kept",
        "top option's ETA is on or before the promise (where the best option keeps it)",
        gate=True,
    ),
    Metric(
        "cost_regret",
        "top option's cost minus the best option's (promise kept)",
        higher_is_better=False,
    ),
    Metric("action_agreement", "top option's action is the labelled one"),
]


def matches(option: FulfillmentOption, best: BestOption) -> bool:
    """The option is the labelled one on every labelled attribute."""
    return (
        option.action == best.action
        and (best.warehouse_id is None or option.warehouse_id == best.warehouse_id)
        and (best.service is None or option.service == best.service)
        and (best.carrier is None or option.carrier == best.carrier)
    )


def keeps_by_shipping(best: BestOption) -> bool:
    """The labelled best keeps the promise with a shipment (a promise to check)."""
    return best.meets_promise and best.action != "cancel_duplicate"


def request_for(scenario: Scenario, network: NetworkSnapshot) -> RecommendationRequest:
    """What the workflow would hand the recommender for this scenario."""
    order = next((o for o in network.orders if o.order_id == scenario.order_id), None)
    if order is None:
        raise InputError(f"scenario {scenario.id}: no order {scenario.order_id} in its network")
    customer = next(c for c in network.customers if c.customer_id == order.customer_id)
    shipment = next((s for s in network.shipments if s.shipment_id == scenario.shipment_id), None)
    return RecommendationRequest(
        category=scenario.category,
        summary=scenario.summary,
        order=order,
        customer=customer,
        shipment=shipment,
        inventory=network.inventory,
        warehouses=network.warehouses,
        lanes=network.lanes,
        skus=network.skus,
        affected_skus=scenario.affected_skus,
        short_qty=scenario.short_qty,
        duplicate_of=scenario.duplicate_of,
        as_of=scenario.as_of,
    )


def regret(
    top: FulfillmentOption, kept: bool, best: BestOption, options: Sequence[FulfillmentOption]
) -> float | None:
    """Top cost minus the best option's cost; None when not comparable (see module)."""
    if best.meets_promise and not kept:
        return None
    reference = best.cost
    if reference is None:
        labelled = next((o for o in options if matches(o, best)), None)
        reference = labelled.cost if labelled is not None else None
    return None if reference is None else float(top.cost - Decimal(reference))


class _Session:
    def __init__(
        self,
        scenarios: list[tuple[Scenario, NetworkSnapshot, Path]],
        dataset: str,
        options: RunOptions,
    ):
        self.scenarios = scenarios
        self.dataset = dataset
        self.notes: list[str] = []
        self.engine = options.engine
        self.recommender = build_engine(options, "recommender")

    @property
    def size(self) -> int:
        return len(self.scenarios)

    def evaluate(self, index: int, epoch: int) -> SampleRecord:
        scenario, network, file = self.scenarios[index]
        request = request_for(scenario, network)
        started = time.perf_counter()
        error, outcome = None, None
        try:
            outcome = self.recommender.recommend(request)
        except AgentError as failure:
            error = failure.message
        seconds = time.perf_counter() - started
        output, scores = scored(scenario, request, outcome.output if outcome else None)
        return SampleRecord(
            id=scenario.id,
            epoch=epoch,
            input_ref=f"{display_path(file)}#{scenario.id}",
            metadata={"category": scenario.category, **scenario.metadata},
            target=scenario.expected.model_dump(mode="json"),
            output=output,
            scores=scores,
            error=error,
            seconds=seconds,
            engine=None if outcome is None else trace(outcome, self.engine),
            shadow=None
            if outcome is None
            else shadow_answer(
                outcome.model,
                FulfillmentRecommendation,
                lambda answer: scored(scenario, request, answer),
            ),
        )


def scored(
    scenario: Scenario,
    request: RecommendationRequest,
    recommendation: FulfillmentRecommendation | None,
) -> Scored:
    """The observation and scores of one recommendation (None: the engine failed)."""
    best = scenario.expected.best
    options = recommendation.options if recommendation is not None else []
    top = options[0] if options else None
    kept = top is not None and top.eta is not None and top.eta <= request.order.promised_date
    scores: dict[str, float | None] = {
        "top1_agreement": float(top is not None and matches(top, best)),
        "promise_kept": float(kept) if keeps_by_shipping(best) else None,
        "cost_regret": None if top is None else regret(top, kept, best, options),
        "action_agreement": float(top is not None and top.action == best.action),
    }
    output = {
        "top": None
        if top is None
        else top.model_dump(mode="json", exclude={"rationale", "allocations"}),
        "options": len(options),
    }
    return output, scores


class RecommendSuite:
    """The fulfilment recommender on labelled scenarios."""

    name: SuiteName = "recommend"
    metrics = METRICS
    engine_metric = "top1_agreement"
    group_keys: Sequence[str] = ("category", "tier")

    def observe(self, record: SampleRecord) -> dict[str, Any]:
        return record.output

    @contextmanager
    def open(self, options: RunOptions) -> Iterator[_Session]:
        path = options.dataset or RECOMMENDER_DATA
        scenarios = load_scenarios(path)
        yield _Session(scenarios, f"{display_path(path)} ({len(scenarios)} scenarios)", options)

    def tables(
        self, items: Sequence[Evaluated[dict[str, Any]]], options: RunOptions
    ) -> dict[str, Any]:
        rows = []
        names, labelled, chosen = [], [], []
        for item in items:
            record, best = item.record, item.record.target["best"]
            top = record.output["top"] or {}
            label = " ".join(
                str(best.get(k) or "") for k in ("action", "warehouse_id", "service")
            ).strip()
            got = " ".join(
                str(top.get(k) or "") for k in ("action", "warehouse_id", "service")
            ).strip()
            regret_value = record.scores.get("cost_regret")
            rows.append(
                [
                    record.id,
                    label,
                    got or "(no option)",
                    "yes" if record.scores.get("top1_agreement") else "no",
                    "n/a" if regret_value is None else f"{regret_value:+.2f}",
                    record.target["reason"],
                ]
            )
            if best.get("cost") is not None and top.get("cost") is not None:
                names.append(record.id)
                labelled.append(float(best["cost"]))
                chosen.append(float(top["cost"]))
        return {
            "rows": {
                "title": "Scenarios",
                "header": ["scenario", "labelled best", "top option", "agrees", "regret", "why"],
                "rows": rows,
            },
            "bars": {
                "title": "Cost of the labelled best and of the top option",
                "ylabel": "cost (USD)",
                "names": names,
                "series": {"labelled best": labelled, "top option": chosen},
            },
        }
