"""Running a suite: every sample for every epoch, summarised, written to a run folder.

A run folder holds ``samples.jsonl`` (one record per sample and epoch), ``summary.json``
and ``report.html`` (self-contained, its plots inline). Nothing else is read to compare or
report a run later.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from exdesk.evals.engine_figures import engine_figures
from exdesk.evals.engines import engine_notes
from exdesk.evals.metric import Evaluated, by_epoch, summarise
from exdesk.evals.records import RunSummary, SampleRecord, SuiteName
from exdesk.evals.suite import RunOptions, Suite

Progress = Callable[[int, int], None]
"""Called with (done, total) after each sample."""

SAMPLES_FILE = "samples.jsonl"
SUMMARY_FILE = "summary.json"
REPORT_FILE = "report.html"


def make_suite(name: SuiteName, options: RunOptions) -> Suite[Any]:
    """The suite of that name (imported on demand: the workflow suite needs the service)."""
    if name == "classify":
        from exdesk.evals.suites.classify import ClassifySuite

        return ClassifySuite(options.review_budget)
    if name == "extract":
        from exdesk.evals.suites.extract import ExtractSuite

        return ExtractSuite()
    if name == "recommend":
        from exdesk.evals.suites.recommend import RecommendSuite

        return RecommendSuite()
    if name == "draft":
        from exdesk.evals.suites.draft import DraftSuite

        return DraftSuite()
    from exdesk.evals.suites.workflow import WorkflowSuite

    return WorkflowSuite()


@dataclass(frozen=True)
class Run:
    """A finished run: its summary and its records."""

    summary: RunSummary
    records: list[SampleRecord]


def run_suite(
    suite: SuiteName | Suite[Any],
    options: RunOptions,
    epochs: int = 1,
    progress: Progress | None = None,
) -> Run:
    """Evaluate every sample ``epochs`` times and summarise (``suite``: a name, or a suite
    built with a particular engine, e.g. a wrapped one in a test)."""
    if epochs < 1:
        raise ValueError("epochs must be at least 1")
    if isinstance(suite, str):
        suite = make_suite(suite, options)
    started_at = datetime.now(UTC)
    started = time.perf_counter()
    records: list[SampleRecord] = []
    with suite.open(options) as session:
        total = session.size * epochs
        for epoch in range(1, epochs + 1):
            for index in range(session.size):
                records.append(session.evaluate(index, epoch))
                if progress is not None:
                    progress(len(records), total)
        dataset, notes = session.dataset, [*session.notes, *engine_notes(options)]
    summary = summarize_records(
        suite, records, options, engine=options.engine, dataset=dataset, notes=notes
    )
    summary = summary.model_copy(
        update={"started_at": started_at, "seconds": time.perf_counter() - started}
    )
    return Run(summary, records)


def summarize_records(
    suite: Suite[Any],
    records: Sequence[SampleRecord],
    options: RunOptions,
    *,
    engine: str,
    dataset: str,
    notes: Sequence[str] = (),
) -> RunSummary:
    """The summary of a suite's records (also used to re-summarise a stored run)."""
    keys = list(dict.fromkeys([*suite.group_keys, *options.group_by]))
    figures = summarise(records, suite.metrics, suite.observe, keys)
    scored = [r for r in records if r.unscorable is None]
    epochs = by_epoch(scored)
    first = epochs[min(epochs)] if epochs else []
    tables = suite.tables([Evaluated(r, suite.observe(r)) for r in first], options)
    engines = None
    if options.engine != "local":
        metric = next(m for m in suite.metrics if m.name == suite.engine_metric)
        engines = engine_figures(records, metric, suite.observe, options.engine)
    return RunSummary(
        suite=suite.name,
        engine=engine,
        dataset=dataset,
        started_at=datetime.now(UTC),
        seconds=0.0,
        epochs=max((r.epoch for r in records), default=1),
        samples=len({r.id for r in records}),
        scored=len(scored),
        unscorable=dict(Counter(r.unscorable for r in records if r.unscorable is not None)),
        errors=sum(r.error is not None for r in records),
        metrics=figures.metrics,
        info={m.name: m.info() for m in suite.metrics},
        groups=figures.groups,
        epoch_spread=figures.epoch_spread,
        tables=tables,
        notes=list(notes),
        engines=engines,
    )


def write_run(folder: Path, run: Run, baseline: Path | None = None) -> Path:
    """Write the run folder (created if needed); returns the report's path."""
    from exdesk.evals.report import write_report

    folder.mkdir(parents=True, exist_ok=True)
    with (folder / SAMPLES_FILE).open("w", encoding="utf-8") as handle:
        for record in run.records:
            handle.write(record.model_dump_json() + "\n")
    (folder / SUMMARY_FILE).write_text(run.summary.model_dump_json(indent=2), encoding="utf-8")
    report = folder / REPORT_FILE
    write_report(report, run, baseline)
    return report


def read_run(folder: Path) -> Run:
    """A run folder read back."""
    from exdesk.errors import InputError

    summary_path, samples_path = folder / SUMMARY_FILE, folder / SAMPLES_FILE
    if not summary_path.is_file() or not samples_path.is_file():
        raise InputError(f"{folder}: not a run folder (needs {SUMMARY_FILE} and {SAMPLES_FILE})")
    summary = RunSummary.model_validate_json(summary_path.read_text(encoding="utf-8"))
    lines = samples_path.read_text(encoding="utf-8").splitlines()
    records = [SampleRecord.model_validate_json(line) for line in lines if line.strip()]
    return Run(summary, records)
