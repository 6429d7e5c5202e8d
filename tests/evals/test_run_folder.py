"""``exdesk eval run`` writes a run folder whose report embeds its plots; a model engine
with no endpoint configured stops with one line."""

from __future__ import annotations

import base64
import json
import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from exdesk.cli import app
from exdesk.evals.records import RunSummary, SampleRecord

IMAGE = re.compile(r'<img alt="[^"]*" src="data:image/png;base64,([A-Za-z0-9+/=]+)"')


@pytest.fixture
def isolated(monkeypatch: pytest.MonkeyPatch, session_data_dir: Path) -> None:
    """The session's data directory (its cached classifier), no trace export."""
    monkeypatch.setenv("EXDESK_DATA_DIR", str(session_data_dir))
    monkeypatch.setenv("EXDESK_TELEMETRY_EXPORTER", "none")


@pytest.mark.usefixtures("isolated")
def test_a_run_folder_holds_samples_summary_and_a_self_contained_report(tmp_path: Path) -> None:
    out = tmp_path / "run"

    result = CliRunner().invoke(
        app, ["eval", "run", "--suite", "recommend", "--out", str(out), "--epochs", "2"]
    )

    assert result.exit_code == 0, result.output
    assert "top1_agreement" in result.stdout
    records = [
        SampleRecord.model_validate_json(line)
        for line in (out / "samples.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    summary = RunSummary.model_validate_json((out / "summary.json").read_text(encoding="utf-8"))
    assert len(records) == 2 * summary.samples >= 30
    assert {r.epoch for r in records} == {1, 2}
    assert summary.epoch_spread["top1_agreement"].std == 0.0  # a deterministic engine
    assert all(r.input_ref.endswith(f"#{r.id}") and r.seconds >= 0 for r in records)
    html = (out / "report.html").read_text(encoding="utf-8")
    images = IMAGE.findall(html)
    assert len(images) >= 3
    assert all(base64.b64decode(image).startswith(b"\x89PNG") for image in images)
    assert 'src="http' not in html
    assert "<script" not in html


@pytest.mark.usefixtures("isolated")
def test_every_suite_but_the_workflow_runs_from_the_cli(tmp_path: Path) -> None:
    for suite in ("classify", "extract", "draft"):
        out = tmp_path / suite
        result = CliRunner().invoke(app, ["eval", "run", "--suite", suite, "--out", str(out)])
        assert result.exit_code == 0, result.output
        summary = json.loads((out / "summary.json").read_text(encoding="utf-8"))
        assert summary["suite"] == suite
        assert summary["scored"] > 0


@pytest.mark.usefixtures("isolated")
@pytest.mark.parametrize(
    ("suite", "engine"), [("draft", "openai"), ("classify", "cascade"), ("recommend", "shadow")]
)
def test_a_model_engine_without_an_endpoint_fails_with_one_line(
    suite: str, engine: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "EXDESK_OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    for name in ("EXDESK_OPENAI_BASE_URL", "EXDESK_LLM_CASSETTE"):
        monkeypatch.delenv(name, raising=False)

    result = CliRunner().invoke(
        app, ["eval", "run", "--suite", suite, "--engine", engine, "--out", str(tmp_path)]
    )

    assert result.exit_code == 2
    assert result.stderr.count("\n") == 1
    assert result.stderr.startswith("exdesk: error: invalid configuration: ")
    assert "neither OPENAI_API_KEY nor OPENAI_BASE_URL is set" in result.stderr
    assert "Traceback" not in result.output
    assert not (tmp_path / "samples.jsonl").exists()


@pytest.mark.usefixtures("isolated")
def test_a_bad_dataset_line_is_named(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"id": "x", "category": "nonsense"}\n', encoding="utf-8")

    result = CliRunner().invoke(
        app, ["eval", "run", "--suite", "classify", "--dataset", str(bad), "--out", str(tmp_path)]
    )

    assert result.exit_code == 2
    assert f"{bad}:1:" in result.stderr
