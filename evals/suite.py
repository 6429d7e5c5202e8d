"""What a suite is: a dataset, an engine run on each sample, metrics over the records.

The runner (``exdesk.evals.runner``) opens a suite's session, evaluates every sample for
every epoch, and summarises the records with the suite's metrics. A suite never writes
files and never prints: it returns records.
"""

from __future__ import annotations

from collections.abc import Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol, TypeVar

from exdesk.evals.metric import Evaluated, Metric
from exdesk.evals.records import EvalEngine, SampleRecord, SuiteName
from exdesk.settings import Settings

ObsT = TypeVar("ObsT")


@dataclass(frozen=True)
class RunOptions:
    """How to run a suite."""

    engine: EvalEngine = "local"
    dataset: Path | None = None
    """None: the suite's default dataset."""
    data_dir: Path = Path(".exdesk")
    """Where model caches live (the classifier trains once, then loads)."""
    database_url: str | None = None
    """The workflow suite's database; None starts a throw-away embedded PostgreSQL."""
    review_budget: float = 0.10
    """Share of least-confident classifications a person would review."""
    group_by: tuple[str, ...] = ()
    """Metadata keys to group figures by, beyond the suite's own."""
    settings: Settings | None = None
    """The service's settings the engines are built from (model endpoint, per-agent model,
    limits, fallback, ``EXDESK_LLM_CASSETTE``); None reads them from the environment."""
    extra: dict[str, Any] = field(default_factory=dict)


class SuiteSession(Protocol):
    """A suite opened on its dataset, with its engine built."""

    @property
    def dataset(self) -> str:
        """What was loaded, in words (paths, counts)."""
        ...

    @property
    def size(self) -> int:
        """How many samples one epoch evaluates."""
        ...

    @property
    def notes(self) -> list[str]:
        """What a reader of the report should know (a dataset skipped, a judge not run)."""
        ...

    def evaluate(self, index: int, epoch: int) -> SampleRecord:
        """Run the engine on one sample and score it."""
        ...


class Suite(Protocol[ObsT]):
    """One evaluation suite."""

    @property
    def name(self) -> SuiteName:
        """The suite's name on the command line."""
        ...

    @property
    def metrics(self) -> Sequence[Metric[ObsT]]:
        """What it reports, headline first."""
        ...

    @property
    def group_keys(self) -> Sequence[str]:
        """The metadata keys its figures are grouped by."""
        ...

    @property
    def engine_metric(self) -> str:
        """The metric each engine path (local-decided, model-decided) and a shadow model's
        own answers are judged on: the suite's main one."""
        ...

    def observe(self, record: SampleRecord) -> ObsT:
        """The typed observation a record holds (what aggregate metrics read)."""
        ...

    def open(self, options: RunOptions) -> AbstractContextManager[SuiteSession]:
        """Load the dataset and build the engine."""
        ...

    def tables(self, items: Sequence[Evaluated[ObsT]], options: RunOptions) -> dict[str, Any]:
        """Suite-specific tables for the summary and the report's plots."""
        ...
