"""The classifier's ``local`` engine: codes before words, then a calibrated classical model
that knows what it has not seen. No network."""

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
from exdesk.agents.classifier.features import feature_row, normalize
from exdesk.agents.classifier.model import ROUTINE, TextLabel, TrainedModel, load_or_train, train
from exdesk.agents.classifier.novelty import Novelty
from exdesk.agents.classifier.signals import deciding_signal, read_signals
from exdesk.agents.classifier.verdict import (
    Calibrate,
    Verdict,
    decide,
    out_of_distribution,
    troubled,
)
from exdesk.domain import ClassificationProposal, EngineName, ExceptionEvent

AGENT = "classifier"


def text_label(example: LabelledExample) -> TextLabel:
    """What the text model learns from an example: ``routine`` for informational events."""
    return ROUTINE if example.informational else example.category


def source_group(example: LabelledExample) -> str:
    """The source an example comes from, for calibration folds that leave sources out: its
    ``metadata.origin`` and language, else (the in-house corpus) the system that sent it."""
    origin = example.metadata.get("origin")
    if origin:
        return f"{origin}|{example.metadata.get('language', '')}"
    return f"in-house|{example.source}"


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
        labels = [text_label(example) for example in examples]
        groups = [source_group(example) for example in examples]
        if cache_dir is None:
            return cls(train(rows, labels, groups))
        return cls(load_or_train(cache_dir, rows, labels, groups))

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
        """The event's category, a confidence that is right as often as it says, whether it
        is informational, the code that decided, and the words behind it."""
        return self.classify_many([request.event])[0]

    def classify_many(self, events: Sequence[ExceptionEvent]) -> list[ClassifierOutcome]:
        """Classify a batch (the features of the whole batch are computed in one pass)."""
        model = self._model
        rows = [feature_row(event) for event in events]
        reading = model.read(rows)
        probabilities = model.probabilities_of(reading.matrix)
        novelty = model.novelty_of(reading)
        ood = out_of_distribution(novelty)
        merged = model.category_probabilities(probabilities)
        calibrated = model.calibrator.confidence(merged.max(axis=1), novelty)
        verdicts = [
            decide(
                probabilities[i],
                model.classes,
                float(calibrated[i]),
                bool(ood[i]),
                deciding_signal(read_signals(event)),
                _calibrate_one(model, novelty, i),
                troubled(normalize(event.summary)),
            )
            for i, event in enumerate(events)
        ]
        label_index = [model.classes.index(v.text_label) for v in verdicts]
        evidence = model.evidence_terms(reading.matrix, label_index)
        return [
            AgentOutcome(
                output=_proposal(verdict, terms),
                agent=AGENT,
                engine="local",
                evidence=ClassifierEvidence(terms=terms),
            )
            for verdict, terms in zip(verdicts, evidence, strict=True)
        ]


def _calibrate_one(model: TrainedModel, novelty: Novelty, i: int) -> Calibrate:
    one = Novelty(
        similarity=novelty.similarity[i : i + 1],
        known_share=novelty.known_share[i : i + 1],
        words=novelty.words[i : i + 1],
    )
    return lambda probability: float(model.calibrator.confidence(np.array([probability]), one)[0])


def _proposal(verdict: Verdict, terms: list[str]) -> ClassificationProposal:
    signal = verdict.signal
    parts = [f"{verdict.category} with probability {verdict.confidence:.2f}"]
    if signal is not None and signal.kind == "decisive":
        parts.append(f"decided by {signal.name} ({signal.meaning})")
    elif signal is not None and verdict.informational:
        parts.append(f"routine progress by {signal.name} ({signal.meaning})")
    elif signal is not None:
        parts.append(f"{signal.name} ({signal.meaning}) reports an exception; the text chose")
    elif verdict.informational:
        parts.append("routine progress, not an exception")
    if verdict.out_of_distribution:
        parts.append("unlike the training data (too short, unknown language or unseen wording)")
    if terms:
        parts.append(f"strongest evidence: {', '.join(repr(t) for t in terms)}")
    if verdict.alternatives:
        runner_up, probability = next(iter(verdict.alternatives.items()))
        parts.append(f"runner-up {runner_up} {probability:.2f}")
    return ClassificationProposal(
        category=verdict.category,
        confidence=verdict.confidence,
        rationale="; ".join(parts),
        alternatives=verdict.alternatives,
        informational=verdict.informational,
        signal=signal.name if signal is not None else None,
        out_of_distribution=verdict.out_of_distribution,
    )


_DEFAULT: dict[Path, LocalClassifier] = {}
_DEFAULT_LOCK = threading.Lock()
