"""The regression gate: each fast suite against its committed baseline
(``evals/baselines/fast``; update them deliberately with ``make eval-baseline``, see
``exdesk.evals.gate``)."""

from __future__ import annotations

from pathlib import Path

import pytest

from exdesk.agents.registry import AgentSet
from exdesk.evals.compare import comparison_text
from exdesk.evals.gate import BASELINES, FAST_SUITES, check, run_fast
from exdesk.evals.records import SuiteName
from exdesk.evals.suite import RunOptions


@pytest.mark.parametrize("suite", list(FAST_SUITES))
def test_no_gated_metric_regressed_beyond_noise(
    suite: SuiteName, agents: AgentSet, session_data_dir: Path, database_url: str
) -> None:
    options = RunOptions(data_dir=session_data_dir, database_url=database_url)

    run = run_fast(suite, options)
    comparison = check(suite, run)

    assert (BASELINES / suite / "samples.jsonl").is_file()
    assert comparison.paired > 0
    assert not comparison.failed, comparison_text(comparison)
    hard_rules = [m for m in comparison.metrics if m.must_be_zero]
    assert all(m.delta.candidate == 0 for m in hard_rules), comparison_text(comparison)
