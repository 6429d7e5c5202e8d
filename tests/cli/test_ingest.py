"""``exdesk ingest``: events in, one case per distinct event out, exactly as the API shows it."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from exdesk.domain import Case, ExceptionEvent, IntakeStep, NetworkSnapshot
from tests.cli.conftest import (
    EVENTS_FILE,
    Cli,
    Ingested,
    count_cases,
    error_line,
    jsonl_cases,
    write_events,
)
from tests.support.scenarios import open_orders, short_pick, vague_note, where_is_my_order
from tests.support.typed import output_of


def test_jsonl_prints_one_case_per_event_in_file_order(ingested: Ingested) -> None:
    cases = jsonl_cases(ingested.first_run)

    assert len(ingested.events) == 79
    assert [(c.event.source, c.event.source_event_id) for c in cases] == [
        (e.source, e.source_event_id) for e in ingested.events
    ]
    assert len({c.case_id for c in cases}) == len(cases)
    assert {c.tenant_id for c in cases} == {"acme"}
    assert all(c.status != "received" for c in cases), "each case runs to its first stop"


def test_each_jsonl_line_is_what_cases_show_prints(ingested: Ingested, ingested_cli: Cli) -> None:
    lines = ingested.first_run.stdout.splitlines()
    # One case of each shape (category x status) keeps this fast and covers every part.
    shapes: dict[tuple[str | None, str], str] = {}
    for line, case in zip(lines, jsonl_cases(ingested.first_run), strict=True):
        category = case.classification.category if case.classification else None
        shapes.setdefault((category, case.status), line)
    assert len(shapes) >= 12

    for line in shapes.values():
        printed = json.loads(line)
        shown = json.loads(ingested_cli.ok("cases", "show", printed["case_id"]).stdout)
        assert printed == shown


def test_progress_goes_to_stderr_when_ingesting_many(ingested: Ingested) -> None:
    progress = ingested.first_run.stderr.splitlines()

    assert len(progress) >= 2
    assert any(line.startswith("79/79 cases") for line in progress)
    assert progress[-1].startswith("79 cases in ")
    assert all(line.startswith("{") for line in ingested.first_run.stdout.splitlines())


def test_ingesting_again_creates_no_case_and_prints_the_same_cases(
    ingested: Ingested, ingested_cli: Cli
) -> None:
    again = ingested_cli.ok("ingest", EVENTS_FILE, "--format", "jsonl")

    assert [c.case_id for c in jsonl_cases(again)] == [
        c.case_id for c in jsonl_cases(ingested.first_run)
    ]
    assert count_cases(ingested.database_url) == 79


def test_table_prints_a_header_and_one_row_per_case(
    network_cli: Cli, tmp_path: Path, example_network: NetworkSnapshot
) -> None:
    order = open_orders(example_network)[0]
    pick = short_pick(order, "wms-t1")
    events = write_events(tmp_path / "e.jsonl", [pick, vague_note("note-t1"), pick])

    result = network_cli.ok("ingest", events, "--format", "table")

    header, rule, *rows = result.stdout.strip().splitlines()
    assert header.split()[:3] == ["case", "status", "category"]
    assert set(rule.replace(" ", "")) == {"-"}
    assert len(rows) == 2
    listed = jsonl_cases(network_cli.ok("cases", "list", "--format", "jsonl"))
    assert sorted(row.split()[0] for row in rows) == sorted(c.case_id for c in listed)
    assert next(r for r in rows if r.startswith(listed[-1].case_id)).split()[1] == (
        listed[-1].status
    )
    assert result.stderr == "", "no progress for a handful of events"


def test_duplicate_events_in_one_file_make_one_case(
    network_cli: Cli, tmp_path: Path, example_network: NetworkSnapshot
) -> None:
    pick = short_pick(open_orders(example_network)[1], "wms-d1")
    events = write_events(tmp_path / "dup.jsonl", [pick, pick, pick])

    cases = jsonl_cases(network_cli.ok("ingest", events, "--format", "jsonl"))

    assert len(cases) == 1
    assert cases[0].event.source_event_id == "wms-d1"


VALID = {
    "source": "wms",
    "source_event_id": "WMS-OK",
    "occurred_at": "2026-11-19T06:42:18-05:00",
    "summary": "SHORT PICK ord SO-104372 SKU PKG-30201 req 35 picked 23",
}


def _line(**changes: Any) -> str:
    event = {**VALID, "source_event_id": "WMS-BAD", **changes}
    return json.dumps({k: v for k, v in event.items() if v is not None})


@pytest.mark.parametrize(
    ("bad_line", "names"),
    [
        ('{"source": "wms", "source_event_id": "WMS-BAD", "summary": ', "json"),
        (_line(summary=None), "summary"),
        (_line(occurred_at="2026-11-19T06:42:18"), "occurred_at"),
        (_line(source="fax"), "source"),
        (_line(summary="short pick\u0000 dock 4"), "summary: contains a nul"),
        (_line(summary="short pick \ud800"), "summary: contains a lone surrogate"),
        (_line(attributes="@").replace('"@"', "[" * 100_000 + "]" * 100_000), "nested"),
    ],
    ids=[
        "bad-json",
        "missing-field",
        "naive-timestamp",
        "unknown-source",
        "nul",
        "surrogate",
        "too-deep",
    ],
)
def test_a_malformed_line_is_named_and_nothing_is_ingested(
    cli: Cli, cli_env: str, tmp_path: Path, bad_line: str, names: str
) -> None:
    first, second = ({**VALID, "source_event_id": f"WMS-OK-{n}"} for n in (1, 2))
    events = write_events(tmp_path / "events.jsonl", [first, second, bad_line, VALID])

    result = cli("ingest", events, "--format", "jsonl")

    assert result.exit_code == 2
    line = error_line(result)
    assert f"{events}:3:" in line
    assert names in line.lower()
    assert result.stdout == ""
    assert count_cases(cli_env) == 0


def test_a_missing_events_file_is_one_line(cli: Cli, tmp_path: Path) -> None:
    result = cli("ingest", tmp_path / "absent.jsonl")

    assert result.exit_code == 2
    assert str(tmp_path / "absent.jsonl") in error_line(result)


def test_an_event_of_another_tenant_is_refused_before_anything_is_ingested(
    cli: Cli, cli_env: str, tmp_path: Path
) -> None:
    other = {**VALID, "source_event_id": "WMS-GLOBEX", "tenant_id": "globex"}
    events = write_events(tmp_path / "events.jsonl", [VALID, other])

    result = cli("ingest", events)

    assert result.exit_code == 2
    line = error_line(result)
    assert count_cases(cli_env) == 0
    assert f"{events}:2:" in line
    assert "tenant_id" in line


def test_the_user_who_ingests_is_recorded_and_may_not_approve(
    network_cli: Cli, tmp_path: Path, example_network: NetworkSnapshot
) -> None:
    order = open_orders(example_network)[4]
    customer = next(c for c in example_network.customers if c.customer_id == order.customer_id)
    event: ExceptionEvent = where_is_my_order(order, customer.contact.email, "mail-u1")
    events = write_events(tmp_path / "mail.jsonl", [event])

    [case] = jsonl_cases(network_cli.ok("ingest", events, "--format", "jsonl", "--user", "rita"))
    shown: Case = network_cli.case(case.case_id)

    assert output_of(shown.decisions[0], IntakeStep).initiated_by == "rita"
    result = network_cli("approve", case.case_id, "--user", "rita", "--role", "cs_rep")
    assert result.exit_code == 4
