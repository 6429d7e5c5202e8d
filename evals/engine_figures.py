"""Which engine decided how much, and how well: a run's records summarised per path —
decided by the local engine, decided by the model — with the share of samples that reached
the model and, for ``shadow``, the agreement of the model's answers with the decisions and
the model's own figure beside the local one.

Each path is judged on one of the suite's metrics (its main one, ``Suite.engine_metric``),
computed on just that path's samples exactly as on the whole run. Unscorable samples and
samples whose engine raised are counted apart; an empty path's figure is ``null`` with the
reason, never NaN.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TypeVar, get_args

from exdesk.evals.metric import Evaluated, Metric, by_epoch, spread_of
from exdesk.evals.records import (
    Decider,
    EngineFigures,
    EpochSpread,
    EvalEngine,
    MetricValue,
    PathFigure,
    SampleRecord,
    ShadowFigures,
)
from exdesk.evals.stats import mean_and_stderr

ObsT = TypeVar("ObsT")

Observe = Callable[[SampleRecord], ObsT]


def _share(flags: Sequence[bool], note: str) -> MetricValue:
    value, stderr = mean_and_stderr([float(flag) for flag in flags])
    return MetricValue(value=value, stderr=stderr, n=len(flags), note=None if flags else note)


def _figure(
    metric: Metric[ObsT], records: Sequence[SampleRecord], observe: Observe[ObsT], note: str
) -> MetricValue:
    if not records:
        return MetricValue(value=None, note=note)
    return metric.value([Evaluated(r, observe(r)) for r in records])


def as_shadow(record: SampleRecord) -> SampleRecord:
    """The record as if the shadow model's answer had been the decision."""
    assert record.shadow is not None
    return record.model_copy(
        update={"output": record.shadow.output, "scores": record.shadow.scores, "shadow": None}
    )


@dataclass(frozen=True)
class _Epoch:
    traced: list[SampleRecord]
    unscorable: int
    untraced: int
    reached_model: MetricValue
    model_failures: int
    paths: dict[Decider, PathFigure]
    shadow: ShadowFigures | None

    def points(self) -> dict[str, float | None]:
        found: dict[str, float | None] = {"reached_model": self.reached_model.value}
        for path, figure in self.paths.items():
            found[f"{path}_decided"] = figure.metric.value
        if self.shadow is not None:
            found["shadow_agreement"] = self.shadow.agreement.value
            found["shadow_local"] = self.shadow.local.value
            found["shadow_model"] = self.shadow.model.value
        return found


def _shadow(
    traced: Sequence[SampleRecord], metric: Metric[ObsT], observe: Observe[ObsT]
) -> ShadowFigures:
    ran = [r for r in traced if r.shadow is not None]
    answered = [r for r in ran if r.shadow is not None and r.shadow.failure is None]
    agreements = [
        r.shadow.agreement
        for r in answered
        if r.shadow is not None and r.shadow.agreement is not None
    ]
    note = "the model answered no sample"
    return ShadowFigures(
        answered=len(answered),
        failures=len(ran) - len(answered),
        agreement=_share(agreements, note),
        local=_figure(metric, answered, observe, note),
        model=_figure(metric, [as_shadow(r) for r in answered], observe, note),
    )


def _epoch(
    records: Sequence[SampleRecord],
    metric: Metric[ObsT],
    observe: Observe[ObsT],
    engine: EvalEngine,
) -> _Epoch:
    scored = [r for r in records if r.unscorable is None]
    traced = [r for r in scored if r.engine is not None]
    paths: dict[Decider, PathFigure] = {}
    for path in get_args(Decider):
        members = [r for r in traced if r.engine is not None and r.engine.decided_by == path]
        paths[path] = PathFigure(
            samples=len(members),
            metric=_figure(metric, members, observe, f"no sample decided by {path}"),
        )
    asked = [r.engine.asked for r in traced if r.engine is not None]
    failures = sum(
        r.engine is not None and r.engine.asked and r.engine.failure is not None for r in traced
    )
    return _Epoch(
        traced=traced,
        unscorable=len(records) - len(scored),
        untraced=len(scored) - len(traced),
        reached_model=_share(asked, "no sample says which engine decided"),
        model_failures=failures,
        paths=paths,
        shadow=_shadow(traced, metric, observe) if engine == "shadow" else None,
    )


def engine_figures(
    records: Sequence[SampleRecord],
    metric: Metric[ObsT],
    observe: Observe[ObsT],
    engine: EvalEngine,
) -> EngineFigures:
    """The engine figures of a run's records (first epoch; spread over every epoch)."""
    epochs = [_epoch(rs, metric, observe, engine) for rs in by_epoch(records).values()]
    first = epochs[0] if epochs else _epoch([], metric, observe, engine)
    spread: dict[str, EpochSpread] = {}
    if len(epochs) > 1:
        points = [e.points() for e in epochs]
        spread = {key: spread_of([p.get(key) for p in points]) for key in points[0]}
    return EngineFigures(
        engine=engine,
        metric=metric.name,
        traced=len(first.traced),
        unscorable=first.unscorable,
        untraced=first.untraced,
        reached_model=first.reached_model,
        model_failures=first.model_failures,
        paths=first.paths,
        shadow=first.shadow,
        epoch_spread=spread,
    )
