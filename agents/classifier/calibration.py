"""From SVM margins to a confidence that is right as often as it says.

Two steps. **Temperature scaling** turns the margins into class probabilities,
``softmax(margins / T)`` with the one ``T`` that minimises the log loss of out-of-fold
margins: it keeps the SVM's ranking and cannot overfit. On its own it is calibrated only
for events like the training data: on texts from carriers, ERPs and writers it never saw
(the outside set) the same model was right 84 % of the time while saying 0.91.

The **confidence calibrator** then predicts whether the proposed category is right from
the log-odds of its temperature-scaled probability, those log-odds times the text's length
(the SVM's probabilities are too low for long in-house messages and too high for two-word
carrier statuses: one temperature cannot serve both), the share of known words and the
shortness of the text (:mod:`exdesk.agents.classifier.novelty`). It is a logistic
regression fitted on out-of-fold predictions of two kinds: stratified folds (events like
the training data) and folds that each leave whole sources out — a carrier's status list, a
language, a writer — so that it has seen what a model does on a source it was not trained
on. Similarity to the nearest training example was tried as a fifth input and left out: in
the folds accuracy barely changes with it above 0.2 (0.81–0.84 when sources are left out),
and with it the out-of-fold ECE did not improve; it serves the out-of-distribution rule.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
from numpy.typing import NDArray
from scipy.optimize import minimize_scalar
from sklearn.linear_model import LogisticRegression

from exdesk.agents.classifier.novelty import Novelty

Matrix = NDArray[np.float64]
Vector = NDArray[np.float64]

CALIBRATOR_C: Final = 1.0
"""Inverse regularisation of the confidence calibrator (four features, thousands of rows:
the fit barely depends on it)."""

LONG_TEXT_WORDS: Final = 60
"""From this many words on a text counts as long for the calibrator."""

_PROBABILITY_FLOOR: Final = 1e-4


def fit_temperature(margins: Matrix, labels: NDArray[Any], classes: Sequence[str]) -> float:
    """The temperature that minimises the log loss of ``softmax(margins / T)``."""
    truth = np.searchsorted(np.asarray(classes), labels)
    rows = np.arange(len(labels))

    def log_loss(temperature: float) -> float:
        scaled = margins / temperature
        scaled = scaled - scaled.max(axis=1, keepdims=True)
        log_norm = np.log(np.exp(scaled).sum(axis=1))
        return float(np.mean(log_norm - scaled[rows, truth]))

    result = minimize_scalar(log_loss, bounds=(0.01, 10.0), method="bounded")
    return float(result.x)


def softmax(margins: Matrix, temperature: float) -> Matrix:
    """Class probabilities of SVM margins at a temperature."""
    scaled = margins / temperature
    scaled = scaled - scaled.max(axis=1, keepdims=True)
    exp = np.exp(scaled)
    return exp / exp.sum(axis=1, keepdims=True)  # type: ignore[no-any-return]


def calibration_features(probability: Vector, novelty: Novelty) -> Matrix:
    """The calibrator's inputs: log-odds of the probability, log-odds times length (0 for
    one word, 1 from :data:`LONG_TEXT_WORDS` words on), share of known words, shortness
    (``1 / (1 + words)``)."""
    p = np.clip(probability, _PROBABILITY_FLOOR, 1.0 - _PROBABILITY_FLOOR)
    log_odds = np.log(p / (1.0 - p))
    length = np.clip(np.log1p(novelty.words) / np.log(LONG_TEXT_WORDS), 0.0, 1.0)
    return np.column_stack(
        [log_odds, log_odds * length, novelty.known_share, 1.0 / (1.0 + novelty.words)]
    )


@dataclass(frozen=True)
class ConfidenceCalibrator:
    """P(the proposed category is right) from its probability and the event's novelty."""

    weights: Vector
    intercept: float

    @classmethod
    def fit(cls, features: Matrix, correct: NDArray[np.bool_]) -> ConfidenceCalibrator:
        """Fit on out-of-fold rows (``calibration_features``) and whether each was right."""
        if correct.all() or not correct.any():
            return cls(weights=np.array([1.0, 0.0, 0.0, 0.0]), intercept=0.0)
        regression = LogisticRegression(C=CALIBRATOR_C, max_iter=1_000)
        regression.fit(features, correct)
        return cls(
            weights=np.asarray(regression.coef_[0], dtype=np.float64),
            intercept=float(regression.intercept_[0]),
        )

    def confidence(self, probability: Vector, novelty: Novelty) -> Vector:
        """The calibrated confidence of each proposal."""
        logits = calibration_features(probability, novelty) @ self.weights + self.intercept
        return 1.0 / (1.0 + np.exp(-logits))
