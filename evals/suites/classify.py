"""The classify suite: the classifier on labelled events (default: the held-out split)."""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from exdesk.agents.classifier.contract import ClassificationRequest, Classifier
from exdesk.domain import CATEGORY_ROUTE, ClassificationProposal, NetworkSnapshot, Severity
from exdesk.domain.context import CaseContext
from exdesk.errors import AgentError
from exdesk.evals.corpus import HELDOUT_DATA
from exdesk.evals.engine_trace import Scored, shadow_answer, trace
from exdesk.evals.engines import build_engine, run_policy
from exdesk.evals.formats._jsonl import display_path
from exdesk.evals.formats.classification import ClassificationSample, load_classification
from exdesk.evals.metric import Estimate, Evaluated, Metric, ratio
from exdesk.evals.metrics import classification as cm
from exdesk.evals.records import SampleRecord, SuiteName
from exdesk.evals.suite import RunOptions
from exdesk.examples import example_network
from exdesk.policies.config import PolicyConfig
from exdesk.workflows.severity import assess_severity, severity_inputs


@dataclass(frozen=True)
class ClassifyObs:
    """What one classification is scored on."""

    gold: str
    predicted: str
    """``(error)`` when the engine failed."""
    confidence: float
    threshold: float
    """The policy threshold of the predicted category."""
    probabilities: dict[str, float]
    gold_severity: str | None
    predicted_severity: str | None

    @property
    def correct(self) -> bool:
        """The predicted category is the labelled one."""
        return self.gold == self.predicted


Items = Sequence[Evaluated[ClassifyObs]]


def _columns(items: Items) -> tuple[list[float], list[bool]]:
    return [i.obs.confidence for i in items], [i.obs.correct for i in items]


def _macro_f1(items: Items) -> Estimate:
    gold = [i.obs.gold for i in items]
    return Estimate(cm.macro_f1(gold, [i.obs.predicted for i in items]), len(items))


def _ece(items: Items) -> Estimate:
    return Estimate(cm.reliability(*_columns(items))[0], len(items))


def _aurc(items: Items) -> Estimate:
    return Estimate(cm.risk_coverage(*_columns(items))[0], len(items))


def _selective(items: Items) -> cm.Selective:
    confidence, correct = _columns(items)
    return cm.selective(confidence, correct, [i.obs.threshold for i in items])


def _coverage(items: Items) -> Estimate:
    return Estimate(_selective(items).coverage, len(items))


def _covered_accuracy(items: Items) -> Estimate:
    found = _selective(items)
    return ratio(
        round((found.accuracy or 0.0) * found.covered),
        found.covered,
        note="no classification clears its threshold",
    )


def _capture(budget: float) -> Any:
    def capture(items: Items) -> Estimate:
        value = cm.error_capture(*_columns(items), budget=budget)
        errors = sum(not i.obs.correct for i in items)
        return Estimate(value, errors, note=None if errors else "no errors to catch")

    return capture


def metrics(budget: float = cm.REVIEW_BUDGET) -> list[Metric[ClassifyObs]]:
    """The classify suite's metrics."""
    percent = f"{budget:.0%}"
    return [
        Metric("accuracy", "share of events given their labelled category", gate=True),
        Metric("macro_f1", "mean F1 over the categories present", aggregate=_macro_f1, gate=True),
        Metric("brier", "multi-class Brier score (0 is perfect)", higher_is_better=False),
        Metric(
            "ece", "expected calibration error, 10 bins", higher_is_better=False, aggregate=_ece
        ),
        Metric(
            "aurc",
            "area under the risk-coverage curve (0 is perfect)",
            higher_is_better=False,
            aggregate=_aurc,
        ),
        Metric(
            "coverage_at_policy",
            "share routed automatically at the policy thresholds",
            aggregate=_coverage,
        ),
        Metric(
            "accuracy_at_policy",
            "accuracy of the classifications that clear the policy thresholds",
            aggregate=_covered_accuracy,
            gate=True,
        ),
        Metric(
            "error_capture",
            f"share of errors among the least confident {percent} (a review budget)",
            aggregate=_capture(budget),
        ),
        Metric("severity_accuracy", "severity equals the labelled one (labelled samples)"),
        Metric(
            "under_triage",
            "severity below the labelled one (labelled samples)",
            higher_is_better=False,
        ),
    ]


def _context(network: NetworkSnapshot, sample: ClassificationSample) -> CaseContext:
    example = sample.example
    order = next((o for o in network.orders if o.order_id == example.order_id), None)
    customer_id = example.customer_id or (order.customer_id if order else None)
    customer = next((c for c in network.customers if c.customer_id == customer_id), None)
    return CaseContext(order=order, customer=customer)


class _Session:
    def __init__(
        self,
        samples: list[ClassificationSample],
        dataset: str,
        options: RunOptions,
        classifier: Classifier | None = None,
    ):
        self.samples = samples
        self.dataset = dataset
        self.notes: list[str] = []
        self.policy: PolicyConfig = run_policy(options)
        self.engine = options.engine
        self.classifier = classifier or build_engine(options, "classifier")
        self._network: NetworkSnapshot | None = None

    @property
    def size(self) -> int:
        return len(self.samples)

    def _severity(self, sample: ClassificationSample) -> Severity | None:
        if "severity" not in sample.metadata:
            return None
        if self._network is None:
            self._network = example_network()
        event = sample.example.to_event()
        inputs = severity_inputs(event, _context(self._network, sample))
        return assess_severity(inputs, self.policy.severity).severity

    def _scored(
        self, sample: ClassificationSample, proposal: ClassificationProposal | None
    ) -> Scored:
        """The observation and scores of one answer (None: the engine failed)."""
        example = sample.example
        if proposal is None:
            predicted, confidence, probabilities = "(error)", 0.0, {}
        else:
            predicted, confidence = str(proposal.category), proposal.confidence
            probabilities = {str(k): v for k, v in proposal.alternatives.items()}
            probabilities[predicted] = confidence
        threshold = (
            self.policy.thresholds.for_category(predicted) if predicted in CATEGORY_ROUTE else 1.0
        )
        gold_severity = sample.metadata.get("severity")
        predicted_severity = self._severity(sample)
        scores: dict[str, float | None] = {
            "accuracy": float(predicted == example.category),
            "brier": cm.brier(probabilities, example.category),
            "severity_accuracy": None,
            "under_triage": None,
        }
        if gold_severity is not None and predicted_severity is not None:
            scores["severity_accuracy"] = float(gold_severity == predicted_severity)
            scores["under_triage"] = float(cm.under_triaged(gold_severity, predicted_severity))
        output = {
            "category": predicted,
            "confidence": confidence,
            "threshold": threshold,
            "probabilities": probabilities,
            "severity": predicted_severity,
        }
        return output, scores

    def evaluate(self, index: int, epoch: int) -> SampleRecord:
        sample = self.samples[index]
        example = sample.example
        started = time.perf_counter()
        error, outcome = None, None
        try:
            outcome = self.classifier.classify(ClassificationRequest(event=example.to_event()))
        except AgentError as failure:
            error = failure.message
        seconds = time.perf_counter() - started
        output, scores = self._scored(sample, outcome.output if outcome else None)
        metadata = {
            "source": example.source,
            "category": example.category,
            "document": example.document.kind if example.document else "none",
            **sample.metadata,
        }
        return SampleRecord(
            id=example.id,
            epoch=epoch,
            input_ref=sample.ref,
            metadata=metadata,
            target={"category": example.category, "severity": sample.metadata.get("severity")},
            output=output,
            scores=scores,
            error=error,
            seconds=seconds,
            engine=None if outcome is None else trace(outcome, self.engine),
            shadow=None
            if outcome is None
            else shadow_answer(
                outcome.model,
                ClassificationProposal,
                lambda answer: self._scored(sample, answer),
            ),
        )


class ClassifySuite:
    """The classifier on labelled events."""

    name: SuiteName = "classify"
    engine_metric = "accuracy"
    group_keys: Sequence[str] = ("source", "category", "document", "language", "origin")

    def __init__(
        self, review_budget: float = cm.REVIEW_BUDGET, classifier: Classifier | None = None
    ) -> None:
        """``classifier``: run this engine instead of the one ``--engine`` names."""
        self.metrics = metrics(review_budget)
        self.classifier = classifier

    def observe(self, record: SampleRecord) -> ClassifyObs:
        out = record.output
        return ClassifyObs(
            gold=record.target["category"],
            predicted=out["category"],
            confidence=out["confidence"],
            threshold=out["threshold"],
            probabilities=out["probabilities"],
            gold_severity=record.target.get("severity"),
            predicted_severity=out.get("severity"),
        )

    @contextmanager
    def open(self, options: RunOptions) -> Iterator[_Session]:
        path = options.dataset or Path(str(HELDOUT_DATA))
        samples = load_classification(path)
        yield _Session(
            samples, f"{display_path(path)} ({len(samples)} events)", options, self.classifier
        )

    def tables(
        self, items: Sequence[Evaluated[ClassifyObs]], options: RunOptions
    ) -> dict[str, Any]:
        gold = [i.obs.gold for i in items]
        predicted = [i.obs.predicted for i in items]
        labels = cm.labels_present(gold, predicted)
        confidence, correct = _columns(items)
        _, bins = cm.reliability(confidence, correct)
        _, curve = cm.risk_coverage(confidence, correct)
        at_policy = _selective(items)
        policy = run_policy(options)
        return {
            "labels": labels,
            "per_class": {k: asdict(v) for k, v in cm.per_class(gold, predicted, labels).items()},
            "confusion": cm.confusion(gold, predicted, labels),
            "reliability": [asdict(b) for b in bins],
            "risk_coverage": [asdict(p) for p in curve],
            "policy_point": {
                "coverage": at_policy.coverage,
                "risk": None if at_policy.accuracy is None else 1 - at_policy.accuracy,
                "default_threshold": policy.thresholds.default,
                "category_thresholds": dict(policy.thresholds.categories),
            },
            "review_budget": options.review_budget,
        }
