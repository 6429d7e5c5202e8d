"""What an evaluation run writes: one record per sample and epoch, and the run's summary.

A run folder holds ``samples.jsonl`` (one :class:`SampleRecord` per line), ``summary.json``
(a :class:`RunSummary`) and ``report.html``. Both JSON files are plain pydantic models, so a
later run, ``exdesk eval compare`` or a notebook reads them back exactly; no figure in them
is ever NaN (an undefined figure is ``null`` with the reason beside it).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field

SuiteName = Literal["classify", "extract", "recommend", "draft", "workflow"]
"""The evaluation suites: one per agent, and the whole workflow."""

SUITES: tuple[SuiteName, ...] = ("classify", "extract", "recommend", "draft", "workflow")

EvalEngine = Literal["local", "openai", "cascade", "shadow"]
"""The engine names ``exdesk eval run --engine`` accepts: the agent registry's choices
(``EXDESK_<AGENT>_ENGINE``)."""

Decider = Literal["local", "openai"]
"""Which single engine's answer a sample's decision is."""


class _Record(BaseModel):
    model_config = ConfigDict(extra="forbid")


class EngineTrace(_Record):
    """Which engine decided one sample and why, read from the agent's outcome (its
    ``model``, the decision record's account of a model run)."""

    selected: EvalEngine
    """The engine the run selected."""
    decided_by: Decider
    """Whose answer was scored: the local engine's, or the model's."""
    asked: bool
    """The model was sent a request (a cascade that was sure enough never asks)."""
    reason: str | None = None
    """Why that engine decided (the cascade's routing, a fallback's cause)."""
    failure: str | None = None
    """What failed when the model was asked and gave no usable answer."""
    fallback: Literal["local", "triage"] | None = None
    """What stood in for the model's answer."""


class ShadowAnswer(_Record):
    """What the model answered beside the deciding local engine (``--engine shadow``),
    scored exactly as the suite scores a decision; it never changes the sample's scores."""

    output: dict[str, Any] = Field(default_factory=dict)
    """The model's answer as the suite observes it (empty when the model failed)."""
    scores: dict[str, float | None] = Field(default_factory=dict)
    agreement: bool | None = None
    """Whether it agrees with the decision, as the agent defines agreeing (None: failed)."""
    failure: str | None = None


class SampleRecord(_Record):
    """One sample of one epoch: what went in, what came out, its scores and its time."""

    id: str
    """The sample's id in its dataset."""
    epoch: int = Field(default=1, ge=1)
    input_ref: str
    """Where the input is: ``<dataset file>#<id>`` or a shared document's path."""
    metadata: dict[str, str] = Field(default_factory=dict)
    """Keys a summary can be grouped by (source, doc_type, tier, language…)."""
    target: dict[str, Any] = Field(default_factory=dict)
    """The labels, as the suite reads them."""
    output: dict[str, Any] = Field(default_factory=dict)
    """What the engine answered (the suite's observation of it)."""
    scores: dict[str, float | None] = Field(default_factory=dict)
    """Per-sample scores; None where this sample cannot be scored on that score."""
    unscorable: str | None = None
    """Why the whole sample could not be scored (None when it could)."""
    error: str | None = None
    """The engine's error, when it failed on this sample (scored as a failure)."""
    seconds: float = Field(ge=0)
    """Wall time the engine took on this sample."""
    engine: EngineTrace | None = None
    """Which engine decided (None: the engine failed or the sample was not run)."""
    shadow: ShadowAnswer | None = None
    """The shadow model's own answer (``--engine shadow`` only)."""

    @property
    def key(self) -> tuple[str, int]:
        """How two runs pair their samples: id and epoch."""
        return (self.id, self.epoch)


class MetricValue(_Record):
    """One figure with its standard error and what it rests on."""

    value: float | None
    """None when no sample could be scored on it (never NaN)."""
    stderr: float | None = None
    """Standard error: analytic for a mean of per-sample scores, bootstrap otherwise; None
    with fewer than two scored samples."""
    n: int = 0
    """Samples (or items: fields, claims) the figure rests on."""
    unscorable: int = 0
    """Samples that could not be scored on it."""
    note: str | None = None
    """Why the value is missing, or what it means when that is not obvious."""


class EpochSpread(_Record):
    """A metric over several epochs of the same samples."""

    mean: float | None
    std: float | None
    minimum: float | None
    maximum: float | None
    values: list[float | None]


class MetricInfo(_Record):
    """What a metric measures and which way is better."""

    description: str
    higher_is_better: bool
    per_sample: bool
    """True when the metric is the mean of a per-sample score (its name in ``scores``)."""
    gate: bool = False
    """True for the metrics ``compare`` and the regression gate judge by default."""
    must_be_zero: bool = False
    """A hard rule (content violations, false auto-actions): any value above 0 fails."""


class PathFigure(_Record):
    """The samples one engine decided, and the suite's engine metric on them."""

    samples: int
    metric: MetricValue


class ShadowFigures(_Record):
    """How the shadow model compares with the deciding local engine."""

    answered: int
    """Samples the model answered."""
    failures: int
    """Samples on which the model gave no answer (counted, not scored)."""
    agreement: MetricValue
    """Share of answered samples whose answer agrees with the decision."""
    local: MetricValue
    """The engine metric of the local decisions, on the samples the model answered."""
    model: MetricValue
    """The same metric of the model's own answers, on the same samples."""


class EngineFigures(_Record):
    """Which engine decided how much, and how well (first epoch; ``epoch_spread`` over all
    epochs). Every count is of sample-epochs; no figure is NaN."""

    engine: EvalEngine
    metric: str
    """The suite's metric each path is judged on (its main metric)."""
    traced: int
    """Scored samples whose decision says which engine made it."""
    unscorable: int = 0
    """Samples that could not be scored (left out of every figure here)."""
    untraced: int = 0
    """Scored samples with no decision to trace (the engine raised)."""
    reached_model: MetricValue
    """Share of traced samples the model was asked about."""
    model_failures: int = 0
    """Samples the model was asked about but whose answer was not used (it failed)."""
    paths: dict[Decider, PathFigure] = Field(default_factory=dict)
    """``local``: decided by the local engine; ``openai``: decided by the model."""
    shadow: ShadowFigures | None = None
    epoch_spread: dict[str, EpochSpread] = Field(default_factory=dict)
    """Mean and spread over the epochs of ``reached_model``, each path's metric, and for
    ``shadow`` the agreement and both engines' metric."""


class RunSummary(_Record):
    """The figures of one run of one suite."""

    suite: SuiteName
    engine: str
    dataset: str
    started_at: datetime
    seconds: float
    epochs: int
    samples: int
    """Distinct samples (ids)."""
    scored: int
    """Sample-epochs scored (the rest are unscorable, with their reasons in ``unscorable``)."""
    unscorable: dict[str, int] = Field(default_factory=dict)
    """Reason → how many sample-epochs were left out for it."""
    errors: int = 0
    """Sample-epochs on which the engine failed (scored as failures)."""
    metrics: dict[str, MetricValue]
    """Figures of the first epoch (with more epochs, ``epoch_spread`` has all of them)."""
    info: dict[str, MetricInfo]
    groups: dict[str, dict[str, dict[str, MetricValue]]] = Field(default_factory=dict)
    """Group key → its value → metric → figure (e.g. ``source`` → ``edi`` → accuracy)."""
    epoch_spread: dict[str, EpochSpread] = Field(default_factory=dict)
    tables: dict[str, Any] = Field(default_factory=dict)
    """Suite-specific tables: per-class figures, the confusion matrix, per-field counts,
    reliability bins, the risk-coverage curve…"""
    notes: list[str] = Field(default_factory=list)
    engines: EngineFigures | None = None
    """Which engine decided and each path's figures (every engine but ``local``)."""
