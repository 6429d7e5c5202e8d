"""Standard errors and the paired bootstrap interval."""

from __future__ import annotations

import math
from collections.abc import Sequence

import numpy as np
import pytest

from exdesk.evals.stats import bootstrap_stderr, mean_and_stderr, paired_bootstrap


def _mean(values: Sequence[float]) -> float | None:
    return math.fsum(values) / len(values) if values else None


def test_mean_and_stderr_by_hand() -> None:
    # mean 2, sample variance ((1)^2 + 0 + 1^2) / 2 = 1, stderr sqrt(1/3)
    mean, stderr = mean_and_stderr([1.0, 2.0, 3.0])
    assert mean == 2.0
    assert stderr == pytest.approx(math.sqrt(1 / 3))
    assert mean_and_stderr([0.5]) == (0.5, None)
    assert mean_and_stderr([]) == (None, None)


def test_bootstrap_stderr_is_seeded_and_near_the_analytic_one() -> None:
    values = [float(v) for v in np.random.default_rng(1).integers(0, 2, 400)]

    first = bootstrap_stderr(values, _mean, resamples=400)
    again = bootstrap_stderr(values, _mean, resamples=400)

    assert first == again
    _, analytic = mean_and_stderr(values)
    assert first == pytest.approx(analytic, rel=0.2)
    assert bootstrap_stderr([1.0], _mean) is None


def test_paired_bootstrap_interval_covers_the_true_delta_about_95_percent() -> None:
    """Synthetic pairs: a shared per-sample difficulty plus noise, the candidate better by
    0.1 on average. Over many datasets the 95 % interval should hold 0.1 about 95 % of the
    time."""
    rng = np.random.default_rng(7)
    trials, covered = 120, 0
    for _ in range(trials):
        difficulty = rng.normal(0, 1, 40)
        base = list(difficulty + rng.normal(0, 0.5, 40))
        cand = list(difficulty + 0.1 + rng.normal(0, 0.5, 40))
        found = paired_bootstrap(base, cand, _mean, resamples=400, seed=int(rng.integers(10**9)))
        assert found.low is not None
        assert found.high is not None
        covered += found.low <= 0.1 <= found.high
    assert 0.88 <= covered / trials <= 0.995


def test_paired_bootstrap_of_identical_runs_is_exactly_zero() -> None:
    values = [0.0, 1.0, 1.0, 0.0, 1.0]

    found = paired_bootstrap(values, values, _mean)

    assert (found.delta, found.low, found.high) == (0.0, 0.0, 0.0)


def test_paired_bootstrap_refuses_unpaired_lengths() -> None:
    with pytest.raises(ValueError, match="same length"):
        paired_bootstrap([1.0], [1.0, 2.0], _mean)
