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
    """``--engine``: the names the model engines will take (only ``local`` runs today)."""

    local = "local"
    openai = "openai"
    cascade = "cascade"
    shadow = "shadow"


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
        settings = load_settings()
        options = RunOptions(
            engine=engine.value,
            dataset=dataset,
            data_dir=settings.data_dir,
            review_budget=review_budget,
            group_by=tuple(group_by or ()),
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
    return f"{summary.suite}: {summary.samples} samples, " + ", ".join(parts)


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
