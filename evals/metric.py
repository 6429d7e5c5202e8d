"""Metrics as data: each suite lists its metrics, and one function summarises any of them.

A :class:`Metric` is either the mean of a per-sample score (``per_sample=True``: the record's
``scores[name]``, a sample whose score is None is counted as unscorable for it) or a
function of all the samples' observations (macro-F1, ECE, AURC, pooled precision…). Both
kinds get a standard error, can be computed on any subset (a group, a bootstrap resample),
and are compared the same way by ``exdesk eval compare``.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np

from exdesk.evals.records import EpochSpread, MetricInfo, MetricValue, SampleRecord
from exdesk.evals.stats import bootstrap_stderr, mean_and_stderr

ObsT = TypeVar("ObsT")


@dataclass(frozen=True)
class Estimate:
    """What a metric function returns: the value (None when undefined) and its basis."""

    value: float | None
    n: int
    unscorable: int = 0
    note: str | None = None


@dataclass(frozen=True)
class Evaluated(Generic[ObsT]):
    """A scored record with the suite's typed observation of it (parsed once)."""

    record: SampleRecord
    obs: ObsT


Aggregate = Callable[[Sequence[Evaluated[ObsT]]], Estimate]


@dataclass(frozen=True)
class Metric(Generic[ObsT]):
    """One figure a suite reports."""

    name: str
    description: str
    higher_is_better: bool = True
    aggregate: Aggregate[ObsT] | None = None
    """None: the mean of the per-sample score ``name``."""
    gate: bool = False
    """Judged by ``compare`` and the regression gate unless told otherwise."""
    must_be_zero: bool = False

    @property
    def per_sample(self) -> bool:
        """True when the metric is the mean of a per-sample score."""
        return self.aggregate is None

    def info(self) -> MetricInfo:
        """What the summary says about the metric."""
        return MetricInfo(
            description=self.description,
            higher_is_better=self.higher_is_better,
            per_sample=self.per_sample,
            gate=self.gate,
            must_be_zero=self.must_be_zero,
        )

    def estimate(self, items: Sequence[Evaluated[ObsT]]) -> Estimate:
        """The metric on these samples."""
        if self.aggregate is not None:
            return self.aggregate(items)
        scores = [item.record.scores.get(self.name) for item in items]
        known = [s for s in scores if s is not None]
        value, _ = mean_and_stderr(known)
        return Estimate(value, len(known), len(scores) - len(known))

    def point(self, items: Sequence[Evaluated[ObsT]]) -> float | None:
        """Just the value (what a bootstrap resamples)."""
        return self.estimate(items).value

    def value(self, items: Sequence[Evaluated[ObsT]]) -> MetricValue:
        """The figure with its standard error."""
        found = self.estimate(items)
        if self.aggregate is None:
            known = [s for item in items if (s := item.record.scores.get(self.name)) is not None]
            _, stderr = mean_and_stderr(known)
        else:
            stderr = None if found.value is None else bootstrap_stderr(items, self.point)
        note = found.note
        if found.value is None and note is None:
            note = "no sample could be scored on it"
        return MetricValue(
            value=found.value, stderr=stderr, n=found.n, unscorable=found.unscorable, note=note
        )


def ratio(numerator: int, denominator: int, unscorable: int = 0, note: str = "") -> Estimate:
    """A pooled share: None (with the note) when the denominator is 0."""
    if denominator == 0:
        return Estimate(None, 0, unscorable, note or "nothing to divide by")
    return Estimate(numerator / denominator, denominator, unscorable)


def by_epoch(records: Sequence[SampleRecord]) -> dict[int, list[SampleRecord]]:
    """The records of each epoch, in order."""
    epochs: dict[int, list[SampleRecord]] = defaultdict(list)
    for record in records:
        epochs[record.epoch].append(record)
    return dict(sorted(epochs.items()))


@dataclass(frozen=True)
class Summarised:
    """The figures of a run, before they are put into its summary."""

    metrics: dict[str, MetricValue]
    groups: dict[str, dict[str, dict[str, MetricValue]]]
    epoch_spread: dict[str, EpochSpread]


def summarise(
    records: Sequence[SampleRecord],
    metrics: Sequence[Metric[ObsT]],
    observe: Callable[[SampleRecord], ObsT],
    group_keys: Sequence[str] = (),
) -> Summarised:
    """Every metric on the first epoch (with standard errors), per group, and per epoch."""
    epochs = by_epoch([r for r in records if r.unscorable is None])
    if not epochs:
        empty = MetricValue(value=None, note="no sample could be scored")
        return Summarised({m.name: empty for m in metrics}, {}, {})
    evaluated = {e: [Evaluated(r, observe(r)) for r in rs] for e, rs in epochs.items()}
    first = evaluated[min(evaluated)]
    figures = {m.name: m.value(first) for m in metrics}
    groups: dict[str, dict[str, dict[str, MetricValue]]] = {}
    for key in group_keys:
        members: dict[str, list[Evaluated[ObsT]]] = defaultdict(list)
        for item in first:
            members[item.record.metadata.get(key, "(none)")].append(item)
        if set(members) == {"(none)"}:
            continue
        groups[key] = {
            value: {m.name: m.value(items) for m in metrics}
            for value, items in sorted(members.items())
        }
    spread = {}
    if len(evaluated) > 1:
        for metric in metrics:
            values = [metric.point(items) for items in evaluated.values()]
            spread[metric.name] = spread_of(values)
    return Summarised(figures, groups, spread)


def spread_of(values: list[float | None]) -> EpochSpread:
    """Mean, standard deviation, minimum and maximum of one figure over the epochs."""
    known = [v for v in values if v is not None]
    if not known:
        return EpochSpread(mean=None, std=None, minimum=None, maximum=None, values=values)
    return EpochSpread(
        mean=float(np.mean(known)),
        std=float(np.std(known, ddof=1)) if len(known) > 1 else None,
        minimum=min(known),
        maximum=max(known),
        values=values,
    )
