"""The classifier's ``local`` engine: a calibrated classical model, no network."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

from agents._outcome import AgentOutcome
from agents.classifier.contract import ClassificationRequest
from agents.classifier.features import feature_row
from agents.classifier.model import TrainedModel, load_or_train
from evals.corpus import LabelledExample, load_examples
from exdesk.domain import CATEGORIES, ClassificationProposal, EngineName, ExceptionEvent

AGENT = "classifier"


class LocalClassifier:
    """Classifies events with a model trained on the project's labelled corpus."""

    engine: EngineName = "local"

    def __init__(self, model: TrainedModel) -> None:
        self._model = model

    @classmethod
    def train_on(
        cls, examples: Sequence[LabelledExample], cache_dir: Path | None = None
    ) -> LocalClassifier:
        """Train on labelled examples (cached under ``cache_dir`` when given)."""
        rows = [feature_row(example.to_event()) for example in examples]
        labels = [example.category for example in examples]
        if cache_dir is None:
            from agents.classifier.model import train

            return cls(train(rows, labels))
        return cls(load_or_train(cache_dir, rows, labels))

    @classmethod
    def default(cls, data_dir: Path) -> LocalClassifier:
        """The engine trained on the shipped training split, cached in the data directory."""
        with _DEFAULT_LOCK:
            key = data_dir.resolve()
            if key not in _DEFAULT:
                _DEFAULT[key] = cls.train_on(load_examples("train"), data_dir / "models")
            return _DEFAULT[key]

    @property
    def model(self) -> TrainedModel:
        """The fitted model."""
        return self._model

    def classify(self, request: ClassificationRequest) -> AgentOutcome[ClassificationProposal]:
        """The most probable category, its calibrated probability, and the words behind it."""
        return self.classify_many([request.event])[0]

    def classify_many(
        self, events: Sequence[ExceptionEvent]
    ) -> list[AgentOutcome[ClassificationProposal]]:
        """Classify a batch (much faster per event than one at a time)."""
        rows = [feature_row(event) for event in events]
        probabilities = self._model.probabilities(rows)
        outcomes = []
        for row, probs in zip(rows, probabilities, strict=True):
            ranked = sorted(zip(self._model.classes, probs, strict=True), key=lambda p: -p[1])
            category, confidence = ranked[0]
            terms = self._model.top_terms(row, category)
            rationale = (
                f"{category} with probability {confidence:.2f}"
                + (f"; strongest evidence: {', '.join(repr(t) for t in terms)}" if terms else "")
                + f"; runner-up {ranked[1][0]} {ranked[1][1]:.2f}"
            )
            proposal = ClassificationProposal(
                category=category,
                confidence=round(float(confidence), 4),
                rationale=rationale,
                alternatives={c: round(float(p), 4) for c, p in ranked[1:4]},
            )
            outcomes.append(
                AgentOutcome(
                    output=proposal,
                    agent=AGENT,
                    engine="local",
                    evidence={"terms": terms},
                )
            )
        return outcomes


_DEFAULT: dict[Path, LocalClassifier] = {}
_DEFAULT_LOCK = threading.Lock()
assert len(CATEGORIES) == 12
