"""Classification figures as pure functions of gold labels, predictions and confidences.

Conventions (each is tested on hand-computed inputs in ``tests/evals``):

* Per-class precision is undefined (None) for a class never predicted, recall for a class
  never labelled; F1 counts an undefined side as 0. Macro-F1 averages F1 over every class
  that is labelled or predicted (scikit-learn's ``zero_division=0`` over the labels present).
* Brier score: Σₖ (pₖ − 1[k = gold])² over the whole taxonomy, a category the engine gave no
  probability counting as 0.
* ECE: equal-width bins of the top-class confidence, ``[low, high)`` (the last bin includes
  1.0), each bin's |accuracy − mean confidence| weighted by its share of samples.
* Risk–coverage: for each distinct confidence t, from the highest down, coverage is the share
  of samples with confidence ≥ t and risk the error rate among them; AURC is the area under
  that step curve (Σ risk × Δcoverage), the mean risk over all coverages when there are no
  ties. Lower is better.
* Error capture at a review budget b: the ⌈b·n⌉ least confident samples (ties by sample
  order) are reviewed; the figure is the share of all errors among them (None without
  errors).
* Under-triage: a predicted severity lower than the labelled one.
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Final

from exdesk.domain import CATEGORIES, SEVERITIES

ECE_BINS: Final = 10
REVIEW_BUDGET: Final = 0.10


@dataclass(frozen=True)
class ClassFigures:
    """Precision, recall and F1 of one class."""

    precision: float | None
    recall: float | None
    f1: float
    support: int
    """How many samples are labelled with the class."""
    predicted: int
    """How many samples were predicted as the class."""


def labels_present(gold: Sequence[str], predicted: Sequence[str]) -> list[str]:
    """Every class labelled or predicted, in taxonomy order (others after, sorted)."""
    present = set(gold) | set(predicted)
    known = [c for c in CATEGORIES if c in present]
    return known + sorted(present - set(CATEGORIES))


def per_class(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str] | None = None
) -> dict[str, ClassFigures]:
    """Precision, recall and F1 of each class (``labels`` default: those present)."""
    pairs = Counter(zip(gold, predicted, strict=True))
    gold_counts, predicted_counts = Counter(gold), Counter(predicted)
    figures = {}
    for label in labels if labels is not None else labels_present(gold, predicted):
        hits = pairs[(label, label)]
        precision = hits / predicted_counts[label] if predicted_counts[label] else None
        recall = hits / gold_counts[label] if gold_counts[label] else None
        p, r = precision or 0.0, recall or 0.0
        f1 = 2 * p * r / (p + r) if p + r else 0.0
        figures[label] = ClassFigures(
            precision, recall, f1, gold_counts[label], predicted_counts[label]
        )
    return figures


def macro_f1(gold: Sequence[str], predicted: Sequence[str]) -> float | None:
    """The mean F1 over the classes present; None for no samples."""
    figures = per_class(gold, predicted)
    if not figures:
        return None
    return math.fsum(f.f1 for f in figures.values()) / len(figures)


def confusion(
    gold: Sequence[str], predicted: Sequence[str], labels: Sequence[str]
) -> list[list[int]]:
    """Rows are gold labels, columns predicted labels, both in ``labels`` order."""
    pairs = Counter(zip(gold, predicted, strict=True))
    return [[pairs[(g, p)] for p in labels] for g in labels]


def brier(probabilities: Mapping[str, float], gold: str) -> float:
    """The multi-class Brier score of one sample over the taxonomy (and any other class
    the probabilities name)."""
    classes = set(CATEGORIES) | set(probabilities) | {gold}
    return math.fsum(
        (probabilities.get(c, 0.0) - (1.0 if c == gold else 0.0)) ** 2 for c in classes
    )


@dataclass(frozen=True)
class ReliabilityBin:
    """Samples whose confidence falls in ``[low, high)`` (the last bin includes 1.0)."""

    low: float
    high: float
    count: int
    confidence: float
    accuracy: float


def reliability(
    confidence: Sequence[float], correct: Sequence[bool], bins: int = ECE_BINS
) -> tuple[float | None, list[ReliabilityBin]]:
    """Expected calibration error and the non-empty bins; None for no samples."""
    total = len(confidence)
    if total == 0:
        return None, []
    table, ece = [], 0.0
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        members = [
            (c, ok)
            for c, ok in zip(confidence, correct, strict=True)
            if low <= c < high or (b == bins - 1 and c >= 1.0)
        ]
        if not members:
            continue
        mean_confidence = math.fsum(c for c, _ in members) / len(members)
        hit_rate = sum(ok for _, ok in members) / len(members)
        ece += len(members) / total * abs(hit_rate - mean_confidence)
        table.append(ReliabilityBin(low, high, len(members), mean_confidence, hit_rate))
    return ece, table


@dataclass(frozen=True)
class CoveragePoint:
    """Accepting every sample at least this confident: how many, and how many are wrong."""

    threshold: float
    coverage: float
    risk: float


def risk_coverage(
    confidence: Sequence[float], correct: Sequence[bool]
) -> tuple[float | None, list[CoveragePoint]]:
    """AURC and the risk–coverage points, highest threshold first; None for no samples."""
    total = len(confidence)
    if total == 0:
        return None, []
    points, aurc, previous = [], 0.0, 0.0
    for threshold in sorted(set(confidence), reverse=True):
        accepted = [ok for c, ok in zip(confidence, correct, strict=True) if c >= threshold]
        coverage = len(accepted) / total
        risk = 1 - sum(accepted) / len(accepted)
        aurc += risk * (coverage - previous)
        previous = coverage
        points.append(CoveragePoint(threshold, coverage, risk))
    return aurc, points


@dataclass(frozen=True)
class Selective:
    """What routing accepts at the policy's thresholds, and how good it is."""

    coverage: float | None
    accuracy: float | None
    """Accuracy on the accepted samples; None when none is accepted."""
    covered: int


def selective(
    confidence: Sequence[float], correct: Sequence[bool], thresholds: Sequence[float]
) -> Selective:
    """Coverage and covered accuracy when sample i needs ``thresholds[i]`` (the threshold of
    the category it was given, as routing applies it)."""
    if not confidence:
        return Selective(None, None, 0)
    covered = [ok for c, ok, t in zip(confidence, correct, thresholds, strict=True) if c >= t]
    accuracy = sum(covered) / len(covered) if covered else None
    return Selective(len(covered) / len(confidence), accuracy, len(covered))


def error_capture(
    confidence: Sequence[float], correct: Sequence[bool], budget: float = REVIEW_BUDGET
) -> float | None:
    """Share of all errors among the ⌈budget·n⌉ least confident samples; None without
    errors."""
    errors = sum(not ok for ok in correct)
    if errors == 0:
        return None
    reviewed = math.ceil(budget * len(confidence) - 1e-9)
    order = sorted(range(len(confidence)), key=lambda i: confidence[i])
    caught = sum(not correct[i] for i in order[:reviewed])
    return caught / errors


def severity_rank(severity: str) -> int:
    """Position of a severity from ``low`` (0) to ``critical`` (3)."""
    ranks: dict[str, int] = {name: rank for rank, name in enumerate(SEVERITIES)}
    return ranks[severity]


def under_triaged(gold: str, predicted: str) -> bool:
    """True when the predicted severity is lower than the labelled one."""
    return severity_rank(predicted) < severity_rank(gold)
