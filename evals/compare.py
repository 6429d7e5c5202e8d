"""Comparing two runs of one suite: paired by sample, with bootstrap intervals and flips.

Samples pair by (id, epoch); those in only one run are listed, not scored. For every metric:
baseline, candidate, the delta with a paired bootstrap 95 % interval, and — for per-sample
metrics — how many samples got better and worse. A metric *regressed beyond noise* when its
delta is on the worse side and the whole interval is too. The comparison *fails* when a
gated metric (see each suite's ``gate=True``) regressed beyond noise by more than the
tolerance, or a must-be-zero metric (content violations, false auto-actions) is above zero.
"""

from __future__ import annotations

import json
import warnings
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Final

import numpy as np

from exdesk.errors import InputError
from exdesk.evals.metric import Evaluated, Metric
from exdesk.evals.records import SampleRecord
from exdesk.evals.runner import Run, make_suite
from exdesk.evals.stats import BOOTSTRAP_SEED, COMPARE_RESAMPLES, PairedDelta, paired_bootstrap
from exdesk.evals.suite import RunOptions

DEFAULT_TOLERANCE: Final = 0.01
"""How far a gated metric may fall (beyond noise) before ``compare`` exits non-zero."""


@dataclass(frozen=True)
class MetricComparison:
    """One metric in both runs."""

    name: str
    higher_is_better: bool
    gate: bool
    must_be_zero: bool
    delta: PairedDelta
    better: int | None
    """Paired samples whose score improved (per-sample metrics only)."""
    worse: int | None
    regressed: bool
    """The delta and its whole interval are on the worse side."""
    fails: bool
    """This metric makes the comparison fail."""


@dataclass(frozen=True)
class Flip:
    """A sample whose headline score changed between the runs."""

    id: str
    epoch: int
    baseline: float | None
    candidate: float | None
    baseline_output: str
    candidate_output: str


@dataclass(frozen=True)
class Comparison:
    """Everything ``exdesk eval compare`` prints."""

    suite: str
    paired: int
    only_baseline: list[tuple[str, int]]
    only_candidate: list[tuple[str, int]]
    headline: str
    metrics: list[MetricComparison]
    flips: list[Flip] = field(default_factory=list)
    tolerance: float = DEFAULT_TOLERANCE

    @property
    def failed(self) -> bool:
        """True when a gated metric regressed past the tolerance or a hard rule broke."""
        return any(m.fails for m in self.metrics)


def _brief(output: dict[str, Any], limit: int = 90) -> str:
    """An output's scalar values as ``key=value`` (with those of its nested objects when it
    has fewer than three of its own)."""

    def scalars(values: dict[str, Any]) -> list[str]:
        return [
            f"{k}={v}"
            for k, v in values.items()
            if v is not None and not isinstance(v, dict | list)
        ]

    parts = scalars(output)
    if len(parts) < 3:
        for value in output.values():
            if isinstance(value, dict):
                parts += scalars(value)
    text = " ".join(parts) or json.dumps(output, default=str)[:limit]
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _per_sample_delta(
    name: str,
    base: Sequence[SampleRecord],
    cand: Sequence[SampleRecord],
    resamples: int,
) -> PairedDelta:
    """The fast path for a mean of per-sample scores (pairs where both are scored)."""
    pairs = [(b.scores.get(name), c.scores.get(name)) for b, c in zip(base, cand, strict=True)]
    b_all = np.array([np.nan if b is None else b for b, _ in pairs], dtype=float)
    c_all = np.array([np.nan if c is None else c for _, c in pairs], dtype=float)

    def mean(values: np.ndarray) -> float | None:
        known = values[~np.isnan(values)]
        return float(known.mean()) if known.size else None

    base_value, cand_value = mean(b_all), mean(c_all)
    if base_value is None or cand_value is None:
        return PairedDelta(base_value, cand_value, None, None, None, 0)
    rng = np.random.default_rng(BOOTSTRAP_SEED)
    picks = rng.integers(0, len(pairs), (resamples, len(pairs)))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # an all-unscored resample is NaN
        deltas = np.nanmean(c_all[picks], axis=1) - np.nanmean(b_all[picks], axis=1)
    deltas = deltas[~np.isnan(deltas)]
    if not deltas.size:
        return PairedDelta(base_value, cand_value, cand_value - base_value, None, None, 0)
    low, high = np.percentile(deltas, [2.5, 97.5])
    return PairedDelta(
        base_value, cand_value, cand_value - base_value, float(low), float(high), deltas.size
    )


def _counts(
    name: str, base: Sequence[SampleRecord], cand: Sequence[SampleRecord], higher: bool
) -> tuple[int, int]:
    better = worse = 0
    for b, c in zip(base, cand, strict=True):
        before, after = b.scores.get(name), c.scores.get(name)
        if before is None or after is None or before == after:
            continue
        improved = after > before if higher else after < before
        better += improved
        worse += not improved
    return better, worse


def _judge(
    metric: Metric[Any], delta: PairedDelta, tolerance: float, gated: set[str]
) -> tuple[bool, bool]:
    if metric.must_be_zero and delta.candidate is not None and delta.candidate > 0:
        return True, True
    if delta.delta is None or delta.low is None or delta.high is None:
        return False, False
    sign = 1 if metric.higher_is_better else -1
    worse_delta = -sign * delta.delta
    whole_interval_worse = (delta.high < 0) if metric.higher_is_better else (delta.low > 0)
    regressed = worse_delta > 0 and whole_interval_worse
    return regressed, regressed and metric.name in gated and worse_delta > tolerance


def compare_runs(
    baseline: Run,
    candidate: Run,
    *,
    tolerance: float = DEFAULT_TOLERANCE,
    metrics: Sequence[str] | None = None,
    resamples: int = COMPARE_RESAMPLES,
) -> Comparison:
    """Pair the two runs' samples and compare every metric of their suite.

    ``metrics`` names the metrics that can fail the comparison (default: the suite's gated
    ones).
    """
    if baseline.summary.suite != candidate.summary.suite:
        raise InputError(
            f"cannot compare a {baseline.summary.suite} run with a {candidate.summary.suite} run"
        )
    suite = make_suite(baseline.summary.suite, RunOptions())
    base_by_key = {r.key: r for r in baseline.records if r.unscorable is None}
    cand_by_key = {r.key: r for r in candidate.records if r.unscorable is None}
    keys = [k for k in base_by_key if k in cand_by_key]
    base = [base_by_key[k] for k in keys]
    cand = [cand_by_key[k] for k in keys]
    known = {m.name for m in suite.metrics}
    unknown = sorted(set(metrics or ()) - known)
    if unknown:
        raise InputError(f"no metric {unknown[0]!r} in the {suite.name} suite")
    gated = set(metrics) if metrics else {m.name for m in suite.metrics if m.gate}
    base_items = [Evaluated(r, suite.observe(r)) for r in base]
    cand_items = [Evaluated(r, suite.observe(r)) for r in cand]
    results = []
    for metric in suite.metrics:
        if metric.per_sample:
            delta = _per_sample_delta(metric.name, base, cand, resamples)
            better, worse = _counts(metric.name, base, cand, metric.higher_is_better)
            counts: tuple[int | None, int | None] = (better, worse)
        else:
            delta = paired_bootstrap(base_items, cand_items, metric.point, resamples)
            counts = (None, None)
        regressed, fails = _judge(metric, delta, tolerance, gated)
        results.append(
            MetricComparison(
                metric.name,
                metric.higher_is_better,
                metric.name in gated,
                metric.must_be_zero,
                delta,
                *counts,
                regressed,
                fails,
            )
        )
    headline = next(m.name for m in suite.metrics if m.per_sample)
    flips = [
        Flip(b.id, b.epoch, bs, cs, _brief(b.output), _brief(c.output))
        for b, c in zip(base, cand, strict=True)
        if (bs := b.scores.get(headline)) != (cs := c.scores.get(headline))
    ]
    return Comparison(
        suite=suite.name,
        paired=len(keys),
        only_baseline=sorted(set(base_by_key) - set(cand_by_key)),
        only_candidate=sorted(set(cand_by_key) - set(base_by_key)),
        headline=headline,
        metrics=results,
        flips=flips,
        tolerance=tolerance,
    )


def _number(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.4f}"


def comparison_text(comparison: Comparison, max_flips: int = 20) -> str:
    """The comparison as the terminal shows it."""
    lines = [
        f"suite {comparison.suite}: {comparison.paired} paired samples"
        f" ({len(comparison.only_baseline)} only in the baseline,"
        f" {len(comparison.only_candidate)} only in the candidate)",
        "",
        f"{'metric':<22}{'baseline':>10}{'candidate':>11}{'delta':>10}"
        f"{'95% interval':>22}{'better':>8}{'worse':>7}  verdict",
    ]
    for m in comparison.metrics:
        d = m.delta
        interval = "n/a" if d.low is None else f"[{d.low:+.4f}, {d.high:+.4f}]"
        delta = "n/a" if d.delta is None else f"{d.delta:+.4f}"
        verdict = "FAIL" if m.fails else ("regressed" if m.regressed else "")
        if not verdict and m.must_be_zero:
            verdict = "ok (must be 0)"
        gate = "*" if m.gate else " "
        lines.append(
            f"{gate}{m.name:<21}{_number(d.baseline):>10}{_number(d.candidate):>11}{delta:>10}"
            f"{interval:>22}{'' if m.better is None else m.better:>8}"
            f"{'' if m.worse is None else m.worse:>7}  {verdict}"
        )
    lines.append(f"(* gated: fails past a tolerance of {comparison.tolerance:g} beyond noise)")
    for title, keys in (
        ("only in the baseline", comparison.only_baseline),
        ("only in the candidate", comparison.only_candidate),
    ):
        if keys:
            shown = ", ".join(f"{i}#{e}" for i, e in keys[:10])
            more = f" and {len(keys) - 10} more" if len(keys) > 10 else ""
            lines.append(f"{title}: {shown}{more}")
    if comparison.flips:
        lines += ["", f"flips of {comparison.headline} ({len(comparison.flips)}):"]
        for flip in comparison.flips[:max_flips]:
            lines.append(
                f"  {flip.id}#{flip.epoch}: {_number(flip.baseline)} -> {_number(flip.candidate)}"
                f"  {flip.baseline_output}  ->  {flip.candidate_output}"
            )
        if len(comparison.flips) > max_flips:
            lines.append(f"  … and {len(comparison.flips) - max_flips} more")
    lines.append("")
    lines.append("FAILED: a gated metric regressed beyond noise" if comparison.failed else "OK")
    return "\n".join(lines)
