"""A database the first release created upgrades to today's schema, keeps its rows readable
by today's store, and its decision log still verifies and keeps chaining.

The database is ``fixtures/release1.sql`` (see ``fixtures/make_release1_dump.py``): the first
release's 0001 and 0002, its migrations table without checksums, LangGraph's checkpoint
tables, and three cases written the way the first release wrote them.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import psycopg
import pytest
from psycopg import Connection
from psycopg.rows import DictRow

from exdesk.domain import EnrichStep, ExceptionEvent, IntakeStep, StepOutput
from exdesk.domain.email_domains import lookalike_key
from exdesk.store.audit import verify_tenant
from exdesk.store.case_view import load_case
from exdesk.store.cases import CaseFilter, count_cases, insert_case, list_case_rows
from exdesk.store.database import CONNECTION_KWARGS, with_database
from exdesk.store.decision_log import StepEntry, append_record, records_of_cases
from exdesk.store.ledger import anchor_case
from exdesk.store.migrate import apply_migrations, available_migrations
from tests.store.catalog import SECTIONS, schema_of
from tests.store.fixtures import RELEASE1_DUMP, load_dump
from tests.support.postgres import owner_url

WAITING = "case_release1000000000000a"
RESOLVED = "case_release1000000000000b"
RECEIVED = "case_release1000000000000c"
UPGRADE = next(m for m in available_migrations() if m.name == "upgrade_first_release")
SINCE_RELEASE1 = [m.version for m in available_migrations() if m.version >= UPGRADE.version]


@contextmanager
def _empty_database(server: str) -> Iterator[str]:
    name = f"exdesk_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(server, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE template0')
    try:
        yield with_database(server, name)
    finally:
        with psycopg.connect(server, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


@pytest.fixture
def release1_url(pg_server_url: str) -> Iterator[str]:
    """A database restored from the first release's dump, not yet upgraded."""
    with _empty_database(pg_server_url) as url:
        load_dump(url, RELEASE1_DUMP)
        yield url


@pytest.fixture
def upgraded(release1_url: str) -> Iterator[Connection[DictRow]]:
    """The first release's database after today's ``apply_migrations``."""
    with psycopg.connect(release1_url, **CONNECTION_KWARGS) as conn:
        assert apply_migrations(conn) == SINCE_RELEASE1
        yield conn


def _columns(conn: Connection[DictRow], table: str) -> set[str]:
    rows = conn.execute(
        "SELECT column_name FROM information_schema.columns"
        " WHERE table_schema = current_schema() AND table_name = %s",
        (table,),
    ).fetchall()
    return {row["column_name"] for row in rows}


def _rows(conn: Connection[DictRow], query: str) -> list[dict[str, Any]]:
    return conn.execute(query).fetchall()


def test_the_dump_is_a_first_release_database(release1_url: str) -> None:
    with psycopg.connect(release1_url, **CONNECTION_KWARGS) as conn:
        assert {"source", "source_event_id", "event", "initiated_by"} <= _columns(conn, "cases")
        assert "last_hash" not in _columns(conn, "cases")
        assert _columns(conn, "exception_events") == set()
        assert _columns(conn, "exdesk_migrations") == {"version", "name", "applied_at"}
        recorded = _rows(conn, "SELECT version, name FROM exdesk_migrations ORDER BY version")
        assert recorded == [
            {"version": 1, "name": "foundation"},
            {"version": 2, "name": "precedents"},
        ]
        assert {"checkpoints", "checkpoint_migrations"} <= {
            r["tablename"] for r in _rows(conn, "SELECT tablename FROM pg_tables")
        }


def test_the_upgrade_gives_todays_schema(upgraded: Connection[DictRow], database_url: str) -> None:
    with psycopg.connect(database_url, **CONNECTION_KWARGS) as fresh:
        expected = schema_of(fresh)
        expected_migrations = _rows(
            fresh, "SELECT version, name, checksum FROM exdesk_migrations ORDER BY version"
        )
    actual = schema_of(upgraded)
    for section in SECTIONS:
        assert actual[section] == expected[section], section
    migrations = _rows(
        upgraded, "SELECT version, name, checksum FROM exdesk_migrations ORDER BY version"
    )
    assert migrations == expected_migrations


def test_the_events_move_to_their_own_table(upgraded: Connection[DictRow]) -> None:
    events = _rows(
        upgraded,
        "SELECT e.*, c.created_at FROM exception_events e JOIN cases c USING (case_id)"
        " ORDER BY case_id",
    )
    assert [(e["case_id"], e["tenant_id"], e["source"], e["initiated_by"]) for e in events] == [
        (WAITING, "acme", "wms", "ops.jane"),
        (RESOLVED, "acme", "email", None),
        (RECEIVED, "globex", "manual", "ops.li"),
    ]
    for event in events:
        assert event["event"]["source_event_id"] == event["source_event_id"]
        assert event["first_received_at"] == event["last_received_at"] == event["created_at"]
        assert event["times_received"] == 1


@pytest.mark.parametrize(
    "email",
    [
        "buyer@canyon-castings.example.com",
        "AP@Brightline.Example.ORG",
        "ops@mold-world.co.uk",
        "x@localhost",
        "first@odd@clam-mill.example.",
        "u@rn-vv-cl-01i|5_.example.de",
    ],
)
def test_the_contacts_stored_before_get_the_key_todays_code_writes(
    release1_url: str, email: str
) -> None:
    """The migration keys the contacts stored before it in SQL, as ``lookalike_key`` keys
    every contact loaded since."""
    with psycopg.connect(release1_url, **CONNECTION_KWARGS) as conn:
        conn.execute("INSERT INTO customers VALUES ('acme', 'C-1', %s, '{}')", (email.lower(),))
        apply_migrations(conn)
        row = conn.execute("SELECT contact_email, contact_lookalike_key FROM customers").fetchone()
    assert row is not None
    assert row["contact_lookalike_key"] == lookalike_key(row["contact_email"])


def test_the_chain_head_moves_to_the_case_row(upgraded: Connection[DictRow]) -> None:
    heads = _rows(
        upgraded,
        "SELECT c.case_id, c.last_seq, c.last_hash, d.seq, d.hash FROM cases c"
        " JOIN LATERAL (SELECT seq, hash FROM decision_records r WHERE r.case_id = c.case_id"
        " ORDER BY seq DESC LIMIT 1) d ON true ORDER BY c.case_id",
    )
    assert [h["case_id"] for h in heads] == [WAITING, RESOLVED, RECEIVED]
    for head in heads:
        assert (head["last_seq"], head["last_hash"]) == (head["seq"], head["hash"])


def test_the_old_cases_read_through_todays_store(upgraded: Connection[DictRow]) -> None:
    waiting = load_case(upgraded, "acme", WAITING)
    assert waiting is not None
    assert waiting.status == "awaiting_approval"
    assert waiting.event.source_event_id == "WMS-SP-20451"
    assert waiting.event.tenant_id == "acme"
    assert waiting.event.attributes == {"requested_qty": 11, "picked_qty": 0}
    assert waiting.classification is not None
    assert waiting.classification.category == "inventory_shortage"
    assert waiting.draft is not None
    assert [a.status for a in waiting.approvals] == ["pending"]
    assert waiting.approvals[0].excluded_users == ["ops.jane"]
    assert [d.step for d in waiting.decisions] == [
        "intake",
        "classify",
        "assess_severity",
        "route",
        "draft_customer_message",
        "check_policies",
    ]

    resolved = load_case(upgraded, "acme", RESOLVED)
    assert resolved is not None
    assert resolved.status == "resolved"
    assert resolved.event.order_id == "SO-104135"
    assert [(a.kind, a.status) for a in resolved.actions] == [("customer_message", "sent")]
    assert [a.decided_by for a in resolved.approvals] == ["cs.maria"]
    assert [d.step for d in resolved.decisions][-3:] == ["approval_gate", "execute", "resolve"]

    assert load_case(upgraded, "acme", RECEIVED) is None  # another tenant's
    received = load_case(upgraded, "globex", RECEIVED)
    assert received is not None
    assert received.status == "received"

    rows, cursor = list_case_rows(upgraded, "acme", CaseFilter(), limit=10)
    assert ([r["case_id"] for r in rows], cursor) == ([RESOLVED, WAITING], None)
    assert rows[1]["initiated_by"] == "ops.jane"
    assert count_cases(upgraded, "acme", CaseFilter(status="resolved")) == 1
    assert count_cases(upgraded, "globex", CaseFilter()) == 1


def test_the_old_decision_log_verifies(upgraded: Connection[DictRow]) -> None:
    acme = verify_tenant(upgraded, "acme")
    assert acme.ok, [str(p) for p in acme.problems]
    assert (acme.cases, acme.records, acme.ledger_entries) == (2, 15, 5)
    globex = verify_tenant(upgraded, "globex")
    assert globex.ok, [str(p) for p in globex.problems]
    assert (globex.cases, globex.records, globex.ledger_entries) == (1, 1, 1)


def test_todays_code_continues_the_old_chains(upgraded: Connection[DictRow]) -> None:
    before = records_of_cases(upgraded, "globex", [RECEIVED])[RECEIVED]
    with upgraded.transaction():
        record, written, _ = append_record(
            upgraded,
            "globex",
            RECEIVED,
            "0002:enrich",
            StepEntry(actor="system", inputs_digest="0" * 64, output=EnrichStep()),
        )
        anchor_case(upgraded, record, "escalated")
    assert written
    assert (record.seq, record.prev_hash) == (2, before[-1].hash)
    report = verify_tenant(upgraded, "globex")
    assert report.ok, [str(p) for p in report.problems]
    assert (report.records, report.ledger_entries) == (2, 2)


def test_an_old_event_delivered_again_finds_its_case(upgraded: Connection[DictRow]) -> None:
    stored = load_case(upgraded, "acme", WAITING)
    assert stored is not None
    again = ExceptionEvent.model_validate(stored.event.model_dump(exclude={"tenant_id"}))
    new = again.model_copy(update={"source_event_id": "WMS-SP-20452"})
    with upgraded.transaction():
        repeat = insert_case(upgraded, "acme", again, None)
        created = insert_case(upgraded, "acme", new, "ops.jane")
    assert (repeat.case_id, repeat.created, repeat.status) == (WAITING, False, "awaiting_approval")
    assert created.created
    counted = _rows(
        upgraded,
        "SELECT case_id, times_received FROM exception_events"
        " WHERE source_event_id LIKE 'WMS-SP-%' ORDER BY source_event_id",
    )
    assert counted == [
        {"case_id": WAITING, "times_received": 2},
        {"case_id": created.case_id, "times_received": 1},
    ]


def _snapshot(conn: Connection[DictRow]) -> tuple[dict[str, dict[str, Any]], list[Any]]:
    data = _rows(
        conn,
        "SELECT to_jsonb(c) AS c, to_jsonb(e) AS e FROM cases c"
        " JOIN exception_events e USING (case_id) ORDER BY case_id",
    )
    return schema_of(conn), data


def test_the_upgrade_runs_again_without_a_change(upgraded: Connection[DictRow]) -> None:
    before = _snapshot(upgraded)
    with upgraded.transaction():
        upgraded.execute(UPGRADE.sql.encode(), prepare=False)
    assert _snapshot(upgraded) == before


def test_the_upgrade_changes_nothing_on_a_database_created_today(pg_server_url: str) -> None:
    with (
        _empty_database(pg_server_url) as url,
        psycopg.connect(url, **CONNECTION_KWARGS) as conn,
    ):
        for migration in available_migrations():
            if migration.version != UPGRADE.version:  # today's schema but for 0003
                with conn.transaction():
                    conn.execute(migration.sql.encode(), prepare=False)
        event = ExceptionEvent.model_validate(
            {
                "source": "manual",
                "source_event_id": "n-1",
                "occurred_at": "2026-11-26T19:30:00Z",
                "summary": "a note",
            }
        )
        with conn.transaction():
            ref = insert_case(conn, "acme", event, "ops.jane")
            record, _, _ = append_record(
                conn,
                "acme",
                ref.case_id,
                "0001:intake",
                StepEntry(
                    actor="system", inputs_digest="0" * 64, output=_intake(event, "ops.jane")
                ),
            )
            anchor_case(conn, record, "created")
        before = _snapshot(conn)
        with conn.transaction():
            conn.execute(UPGRADE.sql.encode(), prepare=False)
        assert _snapshot(conn) == before


def test_a_database_from_between_the_two_edits_gets_its_chain_head(database_url: str) -> None:
    # Created after 0001 gained exception_events (cf721a1) but before cases.last_hash
    # (dd84d4b): only the second half of the upgrade has work to do.
    event = ExceptionEvent.model_validate(
        {
            "source": "manual",
            "source_event_id": "n-2",
            "occurred_at": "2026-11-26T19:30:00Z",
            "summary": "a note",
        }
    )
    with psycopg.connect(owner_url(database_url), **CONNECTION_KWARGS) as conn:
        with conn.transaction():
            ref = insert_case(conn, "acme", event, None)
            outputs: list[StepOutput] = [_intake(event), EnrichStep()]
            for seq, output in enumerate(outputs, start=1):
                record, _, _ = append_record(
                    conn,
                    "acme",
                    ref.case_id,
                    f"{seq:04d}:{output.step}",
                    StepEntry(actor="system", inputs_digest="0" * 64, output=output),
                )
            anchor_case(conn, record, "created")
        conn.execute("ALTER TABLE cases DROP COLUMN last_hash")
        conn.execute("UPDATE cases SET last_seq = 0")
        conn.execute("DELETE FROM exdesk_migrations WHERE version = %s", (UPGRADE.version,))
        assert apply_migrations(conn) == [UPGRADE.version]
        head = conn.execute(
            "SELECT last_seq, last_hash FROM cases WHERE case_id = %s", (ref.case_id,)
        ).fetchone()
        assert head == {"last_seq": 2, "last_hash": record.hash}
        assert verify_tenant(conn, "acme").ok


def _intake(event: ExceptionEvent, initiated_by: str | None = None) -> IntakeStep:
    return IntakeStep(
        source=event.source, source_event_id=event.source_event_id, initiated_by=initiated_by
    )
