"""The regression gate: fast suites against committed baselines.

``make test`` runs ``tests/evals/test_gate.py``, which runs each suite of :data:`FAST_SUITES`
on its pinned dataset and compares it with ``evals/baselines/fast/<suite>/`` (the baseline's
``samples.jsonl`` and ``summary.json``): a gated metric that fell beyond noise (the paired
bootstrap interval entirely on the worse side) by more than the tolerance, or a must-be-zero
metric above zero, fails the test. Samples added to a dataset since the baseline are listed
and not judged; update the baseline to judge them.

Update the baselines deliberately, after a change that is meant to move the figures::

    python -m exdesk.evals.gate --update     # or: make eval-baseline

and commit ``evals/baselines/fast`` with the change that moved them, saying why in the
message. ``python -m exdesk.evals.gate`` checks without pytest (exit 1 on a regression).
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from importlib import resources
from pathlib import Path
from typing import Final

from exdesk.evals.compare import Comparison, compare_runs, comparison_text
from exdesk.evals.records import SuiteName
from exdesk.evals.runner import SAMPLES_FILE, SUMMARY_FILE, Run, read_run, run_suite
from exdesk.evals.suite import RunOptions

_DATA = Path(str(resources.files("exdesk.evals").joinpath("datasets")))
BASELINES = Path(str(resources.files("exdesk.evals").joinpath("baselines", "fast")))

FAST_SUITES: Final[dict[SuiteName, Path | None]] = {
    "classify": _DATA / "classifier" / "heldout",
    "extract": _DATA / "extractor" / "fixtures",
    "recommend": _DATA / "recommender",
    "draft": _DATA / "drafter",
    "workflow": None,
}
"""Each gated suite and its pinned dataset (None: the suite's default, the demo events)."""

GATE_RESAMPLES: Final = 300


def run_fast(suite: SuiteName, options: RunOptions) -> Run:
    """One fast suite on its pinned dataset."""
    pinned = RunOptions(
        engine=options.engine,
        dataset=FAST_SUITES[suite],
        data_dir=options.data_dir,
        database_url=options.database_url,
    )
    return run_suite(suite, pinned)


def check(suite: SuiteName, candidate: Run, baselines: Path = BASELINES) -> Comparison:
    """The candidate against the committed baseline of its suite."""
    return compare_runs(read_run(baselines / suite), candidate, resamples=GATE_RESAMPLES)


def write_baseline(suite: SuiteName, run: Run, baselines: Path = BASELINES) -> Path:
    """Write a suite's baseline (samples and summary; no report)."""
    folder = baselines / suite
    folder.mkdir(parents=True, exist_ok=True)
    (folder / SAMPLES_FILE).write_text(
        "".join(r.model_dump_json() + "\n" for r in run.records), encoding="utf-8"
    )
    (folder / SUMMARY_FILE).write_text(run.summary.model_dump_json(indent=2), encoding="utf-8")
    return folder


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m exdesk.evals.gate [--update] [--suite S]``."""
    parser = argparse.ArgumentParser(description="Fast suites against committed baselines.")
    parser.add_argument("--update", action="store_true", help="write new baselines")
    parser.add_argument("--suite", action="append", choices=list(FAST_SUITES))
    parser.add_argument("--data-dir", type=Path, default=Path(".exdesk"))
    parser.add_argument("--baselines", type=Path, default=BASELINES)
    args = parser.parse_args(argv)
    failed = False
    for suite in args.suite or list(FAST_SUITES):
        run = run_fast(suite, RunOptions(data_dir=args.data_dir))
        if args.update:
            print(f"{suite}: baseline written to {write_baseline(suite, run, args.baselines)}")
            continue
        comparison = check(suite, run, args.baselines)
        print(comparison_text(comparison, max_flips=10) + "\n")
        failed |= comparison.failed
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
