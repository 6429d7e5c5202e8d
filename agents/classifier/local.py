"""The classifier's ``local`` engine: a calibrated classical model, no network."""

from __future__ import annotations

import threading
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from exdesk.agents._outcome import AgentOutcome
from exdesk.agents.classifier.contract import (
    ClassificationRequest,
    ClassifierEvidence,
    ClassifierOutcome,
)
from exdesk.agents.classifier.corpus import LabelledExample, training_examples
from exdesk.agents.classifier.features import feature_row
from exdesk.agents.classifier.model import TrainedModel, load_or_train, train
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
            return cls(train(rows, labels))
        return cls(load_or_train(cache_dir, rows, labels))

    @classmethod
    def default(cls, data_dir: Path) -> LocalClassifier:
        """The engine trained on the shipped training split, cached in the data directory."""
        with _DEFAULT_LOCK:
            key = data_dir.resolve()
            if key not in _DEFAULT:
                _DEFAULT[key] = cls.train_on(training_examples(), data_dir / "models")
            return _DEFAULT[key]

    @property
    def model(self) -> TrainedModel:
        """The fitted model."""
        return self._model

    def classify(self, request: ClassificationRequest) -> ClassifierOutcome:
        """The most probable category, its calibrated probability, and the words behind it."""
        return self.classify_many([request.event])[0]

    def classify_many(self, events: Sequence[ExceptionEvent]) -> list[ClassifierOutcome]:
        """Classify a batch (the features of the whole batch are computed in one pass)."""
        model = self._model
        matrix = model.features.transform([feature_row(event) for event in events])
        probabilities = model.probabilities_of(matrix)
        ranked = np.argsort(-probabilities, axis=1, kind="stable")[:, :4]
        evidence = model.evidence_terms(matrix, ranked[:, 0].tolist())
        outcomes = []
        for probs, order, terms in zip(probabilities, ranked, evidence, strict=True):
            top = [(model.classes[i], round(float(probs[i]), 4)) for i in order]
            category, confidence = top[0]
            rationale = (
                f"{category} with probability {confidence:.2f}"
                + (f"; strongest evidence: {', '.join(repr(t) for t in terms)}" if terms else "")
                + f"; runner-up {top[1][0]} {top[1][1]:.2f}"
            )
            proposal = ClassificationProposal(
                category=category,
                confidence=confidence,
                rationale=rationale,
                alternatives=dict(top[1:]),
            )
            outcomes.append(
                AgentOutcome(
                    output=proposal,
                    agent=AGENT,
                    engine="local",
                    evidence=ClassifierEvidence(terms=terms),
                )
            )
        return outcomes


_DEFAULT: dict[Path, LocalClassifier] = {}
_DEFAULT_LOCK = threading.Lock()
assert len(CATEGORIES) == 12
