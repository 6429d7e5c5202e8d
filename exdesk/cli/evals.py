"""``exdesk eval``: run the evaluation suites, compare two runs, import decided cases."""

from __future__ import annotations

from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Annotated, cast

import typer

from exdesk.cli.output import Progress
from exdesk.errors import ConfigurationError, ExdeskError, InputError
from exdesk.evals.records import SUITES, SuiteName
from exdesk.settings import Settings

eval_app = typer.Typer(
    help="Evaluation suites: score the agents and the workflow, compare runs, gate regressions.",
    no_args_is_help=True,
    rich_markup_mode=None,
)


class SuiteChoice(StrEnum):
    """``--suite``: one suite, or all of them."""

    classify = "classify"
    extract = "extract"
    recommend = "recommend"
    draft = "draft"
    workflow = "workflow"
    all = "all"


class EngineChoice(StrEnum):
    """``--engine``: the agent registry's engines (``EXDESK_<AGENT>_ENGINE``)."""

    local = "local"
    openai = "openai"
    cascade = "cascade"
    shadow = "shadow"


class CassetteMode(StrEnum):
    """``--cassette-mode``: record the model exchanges, or replay them offline."""

    record = "record"
    replay = "replay"


def _fail(message: str, code: int = 2) -> typer.Exit:
    typer.echo(f"exdesk: error: {message}", err=True)
    return typer.Exit(code)


def _default_out(suite: str) -> Path:
    return Path("eval-runs") / f"{suite}-{datetime.now(UTC):%Y%m%dT%H%M%SZ}"


@eval_app.command("run")
def run(
    suite: Annotated[SuiteChoice, typer.Option(help="Which suite (all: every one).")],
    engine: Annotated[EngineChoice, typer.Option(help="Engine of the agents.")] = (
        EngineChoice.local
    ),
    dataset: Annotated[
        Path | None, typer.Option(help="A dataset file or folder (default: the suite's own).")
    ] = None,
    epochs: Annotated[int, typer.Option(min=1, max=100, help="Runs of every sample.")] = 1,
    out: Annotated[
        Path | None, typer.Option(help="Run folder (default eval-runs/<suite>-<time>).")
    ] = None,
    baseline: Annotated[
        Path | None, typer.Option(help="A run folder to compare with in report.html.")
    ] = None,
    group_by: Annotated[
        list[str] | None,
        typer.Option(help="Also group the figures by this metadata key (repeatable)."),
    ] = None,
    review_budget: Annotated[
        float, typer.Option(min=0.01, max=1.0, help="Share a person would review (classify).")
    ] = 0.10,
    cassette: Annotated[
        Path | None,
        typer.Option(help="Model exchanges file (EXDESK_LLM_CASSETTE) to record or replay."),
    ] = None,
    cassette_mode: Annotated[
        CassetteMode | None,
        typer.Option(help="record or replay (EXDESK_LLM_CASSETTE_MODE; default replay)."),
    ] = None,
) -> None:
    """Run a suite; write samples.jsonl, summary.json and report.html to the run folder."""
    from exdesk.evals.runner import run_suite, write_run
    from exdesk.evals.suite import RunOptions
    from exdesk.settings import load_settings

    names: list[SuiteName] = (
        list(SUITES) if suite is SuiteChoice.all else [cast(SuiteName, suite.value)]
    )
    if dataset is not None and len(names) > 1:
        raise _fail("--dataset needs one --suite, not all")
    try:
        settings = with_cassette(load_settings(), cassette, cassette_mode)
        options = RunOptions(
            engine=engine.value,
            dataset=dataset,
            data_dir=settings.data_dir,
            review_budget=review_budget,
            group_by=tuple(group_by or ()),
            settings=settings,
        )
        root = out or _default_out(suite.value)
        for name in names:
            progress = Progress(0, f"{name} samples")

            def tick(done: int, total: int, progress: Progress = progress) -> None:
                progress.total = total
                progress.update(done, total)

            result = run_suite(name, options, epochs, tick)
            progress.finish()
            folder = root / name if len(names) > 1 else root
            report = write_run(folder, result, baseline if len(names) == 1 else None)
            typer.echo(summary_line(result.summary))
            typer.echo(f"  report: {report}")
    except ExdeskError as error:
        raise _fail(error.message) from None


def with_cassette(settings: Settings, cassette: Path | None, mode: CassetteMode | None) -> Settings:
    """The settings with ``--cassette`` / ``--cassette-mode`` in place of
    ``EXDESK_LLM_CASSETTE`` / ``EXDESK_LLM_CASSETTE_MODE``. A recording starts a new
    cassette: one that already holds exchanges is refused rather than mixed into."""
    update: dict[str, object] = {}
    if cassette is not None:
        update["llm_cassette"] = cassette
    if mode is not None:
        update["llm_cassette_mode"] = mode.value
    settings = settings.model_copy(update=update)
    path = settings.llm_cassette
    if path is None:
        if mode is not None:
            raise InputError("--cassette-mode needs --cassette (or EXDESK_LLM_CASSETTE)")
        return settings
    if settings.llm_cassette_mode == "replay" and not path.is_file():
        raise InputError(f"no such cassette to replay: {path}")
    if settings.llm_cassette_mode == "record" and path.is_file() and path.stat().st_size:
        raise InputError(f"{path} already holds model exchanges; record to a new file")
    if settings.llm_cassette_mode == "record":
        path.parent.mkdir(parents=True, exist_ok=True)
    return settings


def summary_line(summary: object) -> str:
    """One line per run: the gated metrics with their standard errors."""
    from exdesk.evals.records import RunSummary

    assert isinstance(summary, RunSummary)
    parts = []
    for name, value in summary.metrics.items():
        if not summary.info[name].gate and not summary.info[name].must_be_zero:
            continue
        shown = "n/a" if value.value is None else f"{value.value:.4f}"
        if value.stderr is not None:
            shown += f"±{value.stderr:.4f}"
        parts.append(f"{name} {shown}")
    line = f"{summary.suite}: {summary.samples} samples, " + ", ".join(parts)
    if summary.engines is not None:
        line += "\n  " + engine_line(summary.engines)
    return line


def engine_line(figures: object) -> str:
    """Which engine decided how much, and how well (every engine but ``local``)."""
    from exdesk.evals.records import EngineFigures, MetricValue

    assert isinstance(figures, EngineFigures)

    def shown(value: MetricValue) -> str:
        return "n/a" if value.value is None else f"{value.value:.4f}"

    reached = figures.reached_model
    parts = [f"{figures.engine}: reached the model {shown(reached)} of {reached.n}"]
    for path, found in figures.paths.items():
        parts.append(f"{path}-decided {figures.metric} {shown(found.metric)} ({found.samples})")
    if figures.shadow is not None:
        shadow = figures.shadow
        parts.append(
            f"agreement {shown(shadow.agreement)} ({shadow.answered} answered, "
            f"{shadow.failures} failed), {figures.metric} model {shown(shadow.model)} "
            f"vs local {shown(shadow.local)}"
        )
    return "; ".join(parts)


@eval_app.command("compare")
def compare(
    baseline: Annotated[Path, typer.Argument(help="The baseline run folder.")],
    candidate: Annotated[Path, typer.Argument(help="The candidate run folder.")],
    tolerance: Annotated[
        float, typer.Option(min=0.0, help="How far a gated metric may fall beyond noise.")
    ] = 0.01,
    metric: Annotated[
        list[str] | None, typer.Option(help="Judge these metrics (default: the gated ones).")
    ] = None,
) -> None:
    """Compare two runs sample by sample; exit 1 when a gated metric regressed."""
    from exdesk.evals.compare import compare_runs, comparison_text
    from exdesk.evals.runner import read_run

    try:
        result = compare_runs(
            read_run(baseline), read_run(candidate), tolerance=tolerance, metrics=metric
        )
    except ExdeskError as error:
        raise _fail(error.message) from None
    typer.echo(comparison_text(result))
    if result.failed:
        raise typer.Exit(1)


@eval_app.command("import")
def import_cases(
    out: Annotated[Path, typer.Option(help="Folder for the labelled datasets.")],
    tenant: Annotated[str | None, typer.Option(help="Tenant (default: EXDESK_TENANT).")] = None,
) -> None:
    """Turn decided cases (approved, edited, rejected) into labelled datasets."""
    from exdesk.evals.importer import import_decided_cases
    from exdesk.service import ExceptionDesk
    from exdesk.settings import load_settings

    try:
        settings = load_settings()
        with ExceptionDesk.open(settings) as desk:
            counts = import_decided_cases(desk, tenant or settings.tenant, out)
    except (ConfigurationError, InputError, ExdeskError) as error:
        raise _fail(error.message) from None
    for name, count in counts.items():
        typer.echo(f"{count:>6} {name}")
