"""``compare`` pairs runs by sample, flags a deliberately worsened engine and exits non-zero."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from exdesk.agents.registry import AgentSet
from exdesk.cli import app
from exdesk.evals.compare import compare_runs, comparison_text
from exdesk.evals.runner import Run, run_suite, write_run
from exdesk.evals.suite import RunOptions
from exdesk.evals.suites.classify import ClassifySuite
from tests.evals.support import FlippingClassifier, small_heldout


@pytest.fixture(scope="module")
def runs(agents: AgentSet, tmp_path_factory: pytest.TempPathFactory) -> tuple[Run, Run, Path, Path]:
    """A baseline run of the local classifier and a run of a worse one, both written."""
    folder = tmp_path_factory.mktemp("compare")
    options = RunOptions(dataset=small_heldout(folder))
    baseline = run_suite(ClassifySuite(classifier=agents.classifier), options)
    worse = run_suite(ClassifySuite(classifier=FlippingClassifier(agents.classifier)), options)
    write_run(folder / "baseline", baseline)
    write_run(folder / "worse", worse)
    return baseline, worse, folder / "baseline", folder / "worse"


def test_a_worse_engine_is_flagged_with_its_flips(runs: tuple[Run, Run, Path, Path]) -> None:
    baseline, worse, _, _ = runs

    comparison = compare_runs(baseline, worse, resamples=300)

    accuracy = next(m for m in comparison.metrics if m.name == "accuracy")
    assert accuracy.delta.delta is not None
    assert accuracy.delta.delta < -0.15
    assert accuracy.delta.high is not None
    assert accuracy.delta.high < 0
    assert accuracy.regressed
    assert accuracy.fails
    assert accuracy.better is not None
    assert accuracy.worse is not None
    assert accuracy.better + accuracy.worse == len(comparison.flips)
    assert accuracy.worse > accuracy.better
    assert comparison.failed
    assert comparison.paired == len(baseline.records)
    assert {f.id for f in comparison.flips} <= {r.id for r in baseline.records}
    assert "FAILED" in comparison_text(comparison)


def test_a_run_compared_with_itself_passes(runs: tuple[Run, Run, Path, Path]) -> None:
    baseline, _, _, _ = runs

    comparison = compare_runs(baseline, baseline, resamples=100)

    assert not comparison.failed
    assert not comparison.flips
    assert all(not m.regressed for m in comparison.metrics)


def test_samples_missing_from_either_run_are_listed(runs: tuple[Run, Run, Path, Path]) -> None:
    baseline, worse, _, _ = runs
    fewer = Run(worse.summary, worse.records[5:])

    comparison = compare_runs(baseline, fewer, resamples=100)

    assert comparison.paired == len(baseline.records) - 5
    assert [k for k, _ in comparison.only_baseline] == sorted(r.id for r in worse.records[:5])
    assert comparison.only_candidate == []


def test_the_cli_exits_non_zero_on_a_regression(runs: tuple[Run, Run, Path, Path]) -> None:
    _, _, baseline, worse = runs
    runner = CliRunner()

    failed = runner.invoke(app, ["eval", "compare", str(baseline), str(worse)])
    passed = runner.invoke(app, ["eval", "compare", str(baseline), str(baseline)])
    tolerant = runner.invoke(
        app, ["eval", "compare", str(baseline), str(worse), "--tolerance", "0.9"]
    )

    assert failed.exit_code == 1, failed.output
    assert "accuracy" in failed.stdout
    assert "FAIL" in failed.stdout
    assert passed.exit_code == 0, passed.output
    assert tolerant.exit_code == 0, tolerant.output


def test_the_report_shows_the_comparison_with_a_baseline(
    runs: tuple[Run, Run, Path, Path], tmp_path: Path
) -> None:
    _, worse, baseline, _ = runs

    report = write_run(tmp_path / "with-baseline", worse, baseline)

    text = report.read_text(encoding="utf-8")
    assert "Against the baseline" in text
    assert "FAILED" in text
