"""Standard errors and paired bootstrap intervals, the same way for every suite.

A metric that is the mean of a per-sample score gets the analytic standard error of a mean
(sample standard deviation over √n); any other metric (macro-F1, calibration error, AURC,
a ratio of pooled counts) gets the standard deviation of its bootstrap distribution over
samples. Comparing two runs resamples the *paired* samples jointly, so the interval of a
difference reflects that both runs saw the same cases. Every resampling is seeded: the same
records always give the same figures.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final, TypeVar

import numpy as np

T = TypeVar("T")

BOOTSTRAP_SEED: Final = 20261120
STDERR_RESAMPLES: Final = 200
COMPARE_RESAMPLES: Final = 1000


def mean_and_stderr(values: Sequence[float]) -> tuple[float | None, float | None]:
    """The mean and its standard error; (None, None) for no values, stderr None for one."""
    if not values:
        return None, None
    mean = math.fsum(values) / len(values)
    if len(values) < 2:
        return mean, None
    variance = math.fsum((v - mean) ** 2 for v in values) / (len(values) - 1)
    return mean, math.sqrt(variance / len(values))


def bootstrap_stderr(
    items: Sequence[T],
    statistic: Callable[[Sequence[T]], float | None],
    resamples: int = STDERR_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
) -> float | None:
    """The standard deviation of ``statistic`` over resamples of ``items`` with replacement.

    Resamples on which the statistic is undefined are left out; None with fewer than two
    items or fewer than two defined resamples.
    """
    if len(items) < 2:
        return None
    rng = np.random.default_rng(seed)
    values = []
    for _ in range(resamples):
        picked = rng.integers(0, len(items), len(items))
        value = statistic([items[i] for i in picked])
        if value is not None:
            values.append(value)
    if len(values) < 2:
        return None
    return float(np.std(values, ddof=1))


@dataclass(frozen=True)
class PairedDelta:
    """Candidate minus baseline on paired samples, with its bootstrap interval."""

    baseline: float | None
    candidate: float | None
    delta: float | None
    low: float | None
    """2.5th percentile of the bootstrap distribution of the delta."""
    high: float | None
    """97.5th percentile."""
    resamples: int
    """Resamples on which both values were defined."""


def paired_bootstrap(
    baseline: Sequence[T],
    candidate: Sequence[T],
    statistic: Callable[[Sequence[T]], float | None],
    resamples: int = COMPARE_RESAMPLES,
    seed: int = BOOTSTRAP_SEED,
    confidence: float = 0.95,
) -> PairedDelta:
    """The delta of ``statistic`` between two runs over the same samples (same order), with
    a percentile interval from resampling the pairs jointly."""
    if len(baseline) != len(candidate):
        raise ValueError("paired samples must have the same length")
    base_value, cand_value = statistic(baseline), statistic(candidate)
    delta = None if base_value is None or cand_value is None else cand_value - base_value
    if delta is None or not baseline:
        return PairedDelta(base_value, cand_value, delta, None, None, 0)
    rng = np.random.default_rng(seed)
    deltas = []
    for _ in range(resamples):
        picked = rng.integers(0, len(baseline), len(baseline))
        b = statistic([baseline[i] for i in picked])
        c = statistic([candidate[i] for i in picked])
        if b is not None and c is not None:
            deltas.append(c - b)
    if not deltas:
        return PairedDelta(base_value, cand_value, delta, None, None, 0)
    tail = (1 - confidence) / 2 * 100
    low, high = np.percentile(deltas, [tail, 100 - tail])
    return PairedDelta(base_value, cand_value, delta, float(low), float(high), len(deltas))
