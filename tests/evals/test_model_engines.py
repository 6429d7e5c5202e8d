"""Evaluations on the model engines, the OpenAI HTTP API answered by respx: a cascade's
share of samples reaching the model and each path's accuracy, a shadow's agreement and
the model's own accuracy, an ``openai`` run, and a run recorded to a cassette replaying
offline to the same samples; every figure checked against what the stand-in answered."""

from __future__ import annotations

import json
import math
from pathlib import Path
from statistics import mean

import httpx
import pytest
from typer.testing import CliRunner

from exdesk.cli import app
from exdesk.evals.formats.classification import load_classification
from exdesk.evals.records import EngineFigures, RunSummary, SampleRecord
from exdesk.evals.runner import read_run, run_suite, write_run
from exdesk.evals.suite import RunOptions
from tests.evals.model_endpoint import (
    Classifying,
    answering,
    by_parity,
    model_settings,
    policy_file,
)
from tests.evals.support import small_heldout
from tests.llm.support import OPENAI_BASE_URL
from tests.support.openai_standin import chat_completion, draft_with

SURE = {"carrier_delay", "inventory_shortage", "address_issue", "return_request"}
"""Categories whose local answer a test policy trusts (threshold 0); every other one has
threshold 1, so a cascade asks the model about it."""


def accuracy(records: list[SampleRecord]) -> float:
    return mean(r.scores["accuracy"] or 0.0 for r in records)


def figures_of(summary: RunSummary) -> EngineFigures:
    assert summary.engines is not None
    return summary.engines


def no_nan(path: Path) -> None:
    def refuse(constant: str) -> None:
        raise AssertionError(f"{path} holds {constant}")

    json.loads(path.read_text(encoding="utf-8"), parse_constant=refuse)


def test_a_cascade_reports_the_share_reaching_the_model_and_each_paths_accuracy(
    tmp_path: Path, session_data_dir: Path
) -> None:
    dataset = small_heldout(tmp_path, per_category=2)
    model = Classifying(load_classification(dataset), by_parity)
    policy = policy_file(tmp_path, 1.0, dict.fromkeys(SURE, 0.0))
    options = RunOptions(
        engine="cascade",
        dataset=dataset,
        data_dir=session_data_dir,
        settings=model_settings(session_data_dir, policy_file=policy),
    )

    with answering(model):
        run = run_suite("classify", options)
    write_run(tmp_path / "run", run)

    answered = model.answered()
    by_model = [r for r in run.records if r.engine and r.engine.decided_by == "openai"]
    by_local = [r for r in run.records if r.engine and r.engine.decided_by == "local"]
    assert len(by_model) + len(by_local) == len(run.records)
    assert 0 < len(by_model) < len(run.records)
    assert {r.id for r in by_model} == set(answered)
    assert all(r.output["category"] == answered[r.id][0] for r in by_model)
    assert all(r.engine and r.engine.asked and r.engine.reason for r in by_model)
    assert all(r.engine and not r.engine.asked for r in by_local)
    reasons = [r.engine.reason or "" for r in by_model if r.engine]
    assert all("threshold 1.00" in why or "out of distribution" in why for why in reasons)
    assert any("threshold 1.00" in why for why in reasons)  # the policy's, not the default
    figures = figures_of(run.summary)
    assert figures.engine == "cascade"
    assert figures.metric == "accuracy"
    assert figures.traced == len(run.records)
    assert figures.reached_model.value == pytest.approx(len(answered) / len(run.records))
    assert figures.reached_model.n == len(run.records)
    assert figures.paths["openai"].samples == len(by_model)
    assert figures.paths["openai"].metric.value == pytest.approx(
        mean(right for _, right in answered.values())
    )
    assert figures.paths["local"].samples == len(by_local)
    assert figures.paths["local"].metric.value == pytest.approx(accuracy(by_local))
    assert run.summary.metrics["accuracy"].value == pytest.approx(accuracy(run.records))
    assert figures.shadow is None
    stored = read_run(tmp_path / "run")
    assert stored.summary.engines == figures
    assert stored.records == run.records
    no_nan(tmp_path / "run" / "summary.json")
    html = (tmp_path / "run" / "report.html").read_text(encoding="utf-8")
    assert "<h2>Engines (cascade)</h2>" in html
    assert "accuracy, decided by openai" in html


def test_a_shadow_reports_its_agreement_and_the_models_own_accuracy(
    tmp_path: Path, session_data_dir: Path
) -> None:
    dataset = small_heldout(tmp_path, per_category=1)
    model = Classifying(load_classification(dataset), by_parity)
    local = run_suite(
        "classify",
        RunOptions(engine="local", dataset=dataset, data_dir=session_data_dir),
    )

    with answering(model):
        run = run_suite(
            "classify",
            RunOptions(
                engine="shadow",
                dataset=dataset,
                data_dir=session_data_dir,
                settings=model_settings(session_data_dir),
            ),
        )

    answered = model.answered()
    assert set(answered) == {r.id for r in run.records}
    decided = {r.id: (r.output, r.scores) for r in local.records}
    assert {r.id: (r.output, r.scores) for r in run.records} == decided
    assert all(r.engine and r.engine.decided_by == "local" and r.engine.asked for r in run.records)
    shadows = {r.id: r.shadow for r in run.records}
    assert all(s is not None and s.output["category"] == answered[i][0] for i, s in shadows.items())
    agreeing = [
        r.shadow.output["category"] == r.output["category"] for r in run.records if r.shadow
    ]
    figures = figures_of(run.summary)
    assert figures.shadow is not None
    assert figures.shadow.answered == len(run.records)
    assert figures.shadow.failures == 0
    assert figures.shadow.agreement.value == pytest.approx(mean(agreeing))
    assert figures.shadow.model.value == pytest.approx(
        mean(right for _, right in answered.values())
    )
    assert figures.shadow.local.value == pytest.approx(accuracy(local.records))
    assert figures.reached_model.value == 1.0
    assert figures.paths["openai"].samples == 0
    assert figures.paths["openai"].metric.value is None
    assert figures.paths["openai"].metric.note


def test_the_openai_engine_drafts_every_case_through_the_model(
    tmp_path: Path, session_data_dir: Path
) -> None:
    requests: list[str] = []
    subject = "Your order: an update from the stand-in"

    def drafting(request: httpx.Request) -> httpx.Response:
        body = json.loads(request.content)
        requests.append(str(body["model"]))
        answer = draft_with(subject, "We are looking into it.", all_facts=True)
        return httpx.Response(200, json=chat_completion(body, {"DrafterAnswer": answer}))

    with answering(drafting):
        run = run_suite(
            "draft",
            RunOptions(
                engine="openai",
                data_dir=session_data_dir,
                settings=model_settings(session_data_dir),
            ),
        )
    write_run(tmp_path / "run", run)

    assert len(requests) == len(run.records) == run.summary.samples > 0
    assert all(r.engine and r.engine.decided_by == "openai" and r.engine.asked for r in run.records)
    assert all(r.output["subject"] == subject for r in run.records)
    figures = figures_of(run.summary)
    assert (figures.reached_model.value, figures.model_failures) == (1.0, 0)
    assert figures.paths["openai"].samples == len(run.records)
    assert figures.paths["openai"].metric == run.summary.metrics["claim_precision"]
    assert figures.paths["local"].samples == 0
    assert any("engine openai: model gpt-4o-mini" in note for note in run.summary.notes)
    no_nan(tmp_path / "run" / "summary.json")


@pytest.fixture
def endpoint_env(monkeypatch: pytest.MonkeyPatch, session_data_dir: Path) -> pytest.MonkeyPatch:
    """The CLI's environment: the session's data directory, the test endpoint."""
    monkeypatch.setenv("EXDESK_DATA_DIR", str(session_data_dir))
    monkeypatch.setenv("EXDESK_TELEMETRY_EXPORTER", "none")
    monkeypatch.setenv("EXDESK_OPENAI_MAX_RETRIES", "0")
    monkeypatch.setenv("OPENAI_BASE_URL", OPENAI_BASE_URL)
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test-eval")
    for name in ("EXDESK_LLM_CASSETTE", "EXDESK_LLM_CASSETTE_MODE", "EXDESK_OPENAI_BASE_URL"):
        monkeypatch.delenv(name, raising=False)
    return monkeypatch


def comparable(record: SampleRecord) -> dict[str, object]:
    return record.model_dump(exclude={"seconds"})


def test_a_recorded_run_replays_offline_to_the_same_samples(
    tmp_path: Path, endpoint_env: pytest.MonkeyPatch
) -> None:
    dataset = small_heldout(tmp_path, per_category=1)
    model = Classifying(load_classification(dataset), by_parity)
    cassette = tmp_path / "cassettes" / "classify.jsonl"
    run = ["eval", "run", "--suite", "classify", "--engine", "openai", "--epochs", "2"]
    run += ["--dataset", str(dataset), "--cassette", str(cassette)]

    with answering(model):
        recorded = CliRunner().invoke(
            app, [*run, "--cassette-mode", "record", "--out", str(tmp_path / "recorded")]
        )
    assert recorded.exit_code == 0, recorded.output
    for name in ("OPENAI_BASE_URL", "OPENAI_API_KEY"):
        endpoint_env.delenv(name)
    replayed = CliRunner().invoke(
        app, [*run, "--cassette-mode", "replay", "--out", str(tmp_path / "replayed")]
    )
    assert replayed.exit_code == 0, replayed.output

    first, again = read_run(tmp_path / "recorded"), read_run(tmp_path / "replayed")
    assert len(model.answers) == 2 * first.summary.samples
    assert len(cassette.read_text(encoding="utf-8").splitlines()) == len(model.answers)
    assert [comparable(r) for r in again.records] == [comparable(r) for r in first.records]
    assert all(r.engine and r.engine.failure is None for r in again.records)
    assert again.summary.metrics == first.summary.metrics
    assert again.summary.engines == first.summary.engines
    assert any("replayed" in note for note in again.summary.notes)
    spread = first.summary.epoch_spread["accuracy"]
    expected = [mean(right for _, right in model.answered(epoch).values()) for epoch in (1, 2)]
    assert spread.values == pytest.approx(expected)
    assert spread.mean == pytest.approx(mean(expected))
    assert spread.std is not None
    assert math.isclose(spread.std, abs(expected[0] - expected[1]) / math.sqrt(2))
    engine_spread = figures_of(first.summary).epoch_spread["openai_decided"]
    assert engine_spread.values == pytest.approx(expected)
    assert "Engines (openai)" in (tmp_path / "replayed" / "report.html").read_text()


def test_a_cassette_to_record_over_is_refused_with_one_line(
    tmp_path: Path, endpoint_env: pytest.MonkeyPatch
) -> None:
    cassette = tmp_path / "used.jsonl"
    cassette.write_text('{"key": "x"}\n', encoding="utf-8")

    run = ["eval", "run", "--suite", "recommend", "--engine", "openai"]
    cassette_options = ["--cassette", str(cassette), "--cassette-mode", "record"]
    result = CliRunner().invoke(app, [*run, *cassette_options, "--out", str(tmp_path / "run")])

    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert "record to a new file" in result.stderr
    assert not (tmp_path / "run").exists()
