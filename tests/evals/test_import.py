"""``exdesk eval import``: what people approved, edited or rejected becomes labelled data."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any, cast

import pytest
from typer.testing import CliRunner

from exdesk.cli import app
from exdesk.domain import ApprovalDecision, Role
from exdesk.evals.formats.classification import load_classification
from exdesk.evals.formats.drafting import load_draft_cases
from exdesk.evals.formats.extraction import load_extraction
from exdesk.evals.importer import import_decided_cases
from exdesk.examples import example_events
from exdesk.service import ExceptionDesk
from exdesk.store.api_keys import Principal
from tests.support.scenarios import vague_note

TENANT = "acme"
TRIAGED = "note-import-1"
"""A vague note no classifier can place: a person classifies it (triage)."""
APPROVED_MESSAGE = "<CWLP123MB0771@carmichael-engineering.example.com>"
REJECTED_MESSAGE = "<DS7PR03MB5563@copperline-marine-services.example.org>"
DOCUMENT = "<CO1PR19MB7702E9@kellersafety.example.com>"
UNDECIDED = "<PA4PR09MB5521D0@herrajes-zubiri.example.com>"


def _decide(
    desk: ExceptionDesk,
    case_id: str,
    decision: ApprovalDecision,
    user: str,
    role: str,
    edited: dict[str, Any] | None = None,
) -> None:
    approval = desk.pending_approval(TENANT, case_id)
    principal = Principal(TENANT, user, frozenset({cast(Role, role)}), key_id="test")
    desk.decide(principal, approval.approval_id, decision, edited_proposal=edited)


def _lines(path: Path) -> list[dict[str, Any]]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_decided_cases_become_samples_of_the_three_formats(
    loaded_desk: ExceptionDesk, tmp_path: Path
) -> None:
    wanted = {TRIAGED, APPROVED_MESSAGE, REJECTED_MESSAGE, DOCUMENT, UNDECIDED}
    events = [e for e in example_events() if e.source_event_id in wanted] + [vague_note(TRIAGED)]
    refs = loaded_desk.ingest(TENANT, events)
    case_of = {e.source_event_id: r.case_id for e, r in zip(events, refs, strict=True)}
    _decide(loaded_desk, case_of[TRIAGED], "edit", "olga", "ops", {"category": "customer_inquiry"})
    _decide(loaded_desk, case_of[APPROVED_MESSAGE], "approve", "rita", "cs_rep")
    _decide(loaded_desk, case_of[REJECTED_MESSAGE], "reject", "rita", "cs_rep")
    _decide(loaded_desk, case_of[DOCUMENT], "approve", "omar", "ops")

    counts = import_decided_cases(loaded_desk, TENANT, tmp_path)

    classified = {s.example.id: s for s in load_classification(tmp_path / "classifier")}
    assert set(classified) == {f"case-{case_of[k]}" for k in (TRIAGED, APPROVED_MESSAGE, DOCUMENT)}
    triaged = classified[f"case-{case_of[TRIAGED]}"]
    assert triaged.example.category == "customer_inquiry"
    assert triaged.metadata["decision"] == "edit"
    assert "olga" in triaged.metadata["provenance"]
    drafts = {c.id: c for c, _ in load_draft_cases(tmp_path / "drafter")}
    approved = drafts[f"case-{case_of[APPROVED_MESSAGE]}"]
    assert approved.decision == "approve"
    assert approved.reference is not None
    assert approved.required_facts == [f.name for f in approved.reference.facts_used]
    rejected = drafts[f"case-{case_of[REJECTED_MESSAGE]}"]
    assert (rejected.decision, rejected.reference) == ("reject", None)
    documents = load_extraction(tmp_path / "extractor")
    assert [s.id for s, _ in documents] == [f"case-{case_of[DOCUMENT]}"]
    (document, _), raw = documents[0], _lines(tmp_path / "extractor" / "decided.jsonl")[0]
    assert document.expected.fields
    assert document.order is not None
    assert raw["expected"]["discrepancies"]
    assert counts == {
        "classifier/decided.jsonl": 3,
        "extractor/decided.jsonl": 1,
        "drafter/decided.jsonl": 2,
    }


def test_the_cli_writes_the_datasets_and_counts_them(
    monkeypatch: pytest.MonkeyPatch, database_url: str, session_data_dir: Path, tmp_path: Path
) -> None:
    monkeypatch.setenv("EXDESK_DATABASE_URL", database_url)
    monkeypatch.setenv("EXDESK_DATA_DIR", str(session_data_dir))
    monkeypatch.setenv("EXDESK_TELEMETRY_EXPORTER", "none")

    result = CliRunner().invoke(app, ["eval", "import", "--out", str(tmp_path), "--tenant", "acme"])

    assert result.exit_code == 0, result.output
    assert "0 classifier/decided.jsonl" in result.stdout
    assert (tmp_path / "drafter" / "decided.jsonl").read_text(encoding="utf-8") == ""
