"""Helpers of the evaluation tests: records by hand, a small labelled set, a worse engine."""

from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path
from typing import Any

from exdesk.agents.classifier.contract import ClassificationRequest, Classifier, ClassifierOutcome
from exdesk.domain import CATEGORIES, EngineName
from exdesk.evals.corpus import heldout_examples
from exdesk.evals.records import SampleRecord


def record(
    sample_id: str,
    scores: dict[str, float | None] | None = None,
    *,
    epoch: int = 1,
    metadata: dict[str, str] | None = None,
    output: dict[str, Any] | None = None,
    unscorable: str | None = None,
) -> SampleRecord:
    """A record with just what a test needs."""
    return SampleRecord(
        id=sample_id,
        epoch=epoch,
        input_ref=f"test#{sample_id}",
        metadata=metadata or {},
        output=output or {},
        scores=scores or {},
        unscorable=unscorable,
        seconds=0.01,
    )


def small_heldout(folder: Path, per_category: int = 8) -> Path:
    """A JSONL file of the first ``per_category`` held-out events of each category."""
    examples = heldout_examples()
    by_category = itertools.groupby(
        sorted(examples, key=lambda e: e.category), lambda e: e.category
    )
    chosen = [e for _, group in by_category for e in list(group)[:per_category]]
    path = folder / "small.jsonl"
    path.write_text("".join(e.model_dump_json() + "\n" for e in chosen), encoding="utf-8")
    return path


class FlippingClassifier:
    """A deliberately worse engine: every ``period``-th event gets a wrong category."""

    def __init__(self, inner: Classifier, period: int = 3) -> None:
        self.inner = inner
        self.period = period
        self.engine: EngineName = inner.engine

    def classify(self, request: ClassificationRequest) -> ClassifierOutcome:
        """The inner answer, flipped to the next category for every period-th event id."""
        outcome = self.inner.classify(request)
        if sum(map(ord, request.event.source_event_id)) % self.period:
            return outcome
        proposal = outcome.output
        wrong = CATEGORIES[(CATEGORIES.index(proposal.category) + 1) % len(CATEGORIES)]
        return replace(outcome, output=proposal.model_copy(update={"category": wrong}))
