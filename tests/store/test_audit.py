"""The decision log is append-only and tamper-evident: ``audit verify`` names the first bad
record whether a record was changed, reordered or deleted, or a whole case removed."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import psycopg
import pytest
from psycopg.types.json import Jsonb

from exdesk.domain import (
    ClassificationEvidence,
    ClassifyStep,
    DecisionRecord,
    IntakeStep,
    NetworkSnapshot,
    PrecedentEvidence,
)
from exdesk.service import ExceptionDesk
from exdesk.store.audit import verify_tenant
from exdesk.store.cases import CaseUpdate, insert_case
from exdesk.store.database import CONNECTION_KWARGS
from exdesk.store.decision_log import StepEntry, append_record, records_of_cases
from exdesk.store.ledger import anchor_case
from exdesk.store.record_hashes import digest, record_hash
from tests.support.postgres import owner_url, superuser_url
from tests.support.scenarios import open_orders, short_pick

TENANT = "acme"


@pytest.fixture
def cases(loaded_desk: ExceptionDesk, example_network: NetworkSnapshot) -> list[str]:
    """Three cases run to their first stop."""
    events = [
        short_pick(o, f"wms-audit-{i}") for i, o in enumerate(open_orders(example_network)[:3])
    ]
    refs = loaded_desk.ingest(TENANT, events)
    assert loaded_desk.verify(TENANT).ok
    return [r.case_id for r in refs]


@pytest.fixture
def tamper(database_url: str) -> Iterator[psycopg.Connection[tuple[object, ...]]]:
    """A superuser connection that bypasses the append-only triggers, as an attacker with
    database access could."""
    with psycopg.connect(superuser_url(database_url), autocommit=True) as conn:
        conn.execute("SET session_replication_role = replica")
        yield conn


def first_problem(desk: ExceptionDesk) -> str:
    report = desk.verify(TENANT)
    assert not report.ok
    return str(report.problems[0])


def test_records_cannot_be_updated_or_deleted_through_normal_sql(
    loaded_desk: ExceptionDesk, cases: list[str], database_url: str
) -> None:
    """Even the tables' owner, who may change rows, is stopped by the triggers (the
    application role is refused before them: tests/store/test_roles.py)."""
    with psycopg.connect(owner_url(database_url), autocommit=True) as conn:
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
            conn.execute("UPDATE decision_records SET actor='system' WHERE case_id=%s", (cases[0],))
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
            conn.execute("DELETE FROM decision_records WHERE case_id=%s", (cases[0],))
        with pytest.raises(psycopg.errors.InsufficientPrivilege, match="append-only"):
            conn.execute("TRUNCATE ledger_entries")
    assert loaded_desk.verify(TENANT).ok


def test_a_changed_record_is_named(
    loaded_desk: ExceptionDesk, cases: list[str], tamper: psycopg.Connection[tuple[object, ...]]
) -> None:
    tamper.execute(
        "UPDATE decision_records SET output = %s WHERE case_id=%s AND seq=3",
        (Jsonb({"category": "other", "confidence": 0.99}), cases[1]),
    )
    assert (
        first_problem(loaded_desk)
        == f"case {cases[1]} record 3: was changed (step classify: hash mismatch)"
    )


def test_a_changed_confidence_is_caught_even_with_the_json_intact(
    loaded_desk: ExceptionDesk, cases: list[str], tamper: psycopg.Connection[tuple[object, ...]]
) -> None:
    tamper.execute(
        "UPDATE decision_records SET confidence = 0.2 WHERE case_id=%s AND step='classify'",
        (cases[0],),
    )
    assert f"case {cases[0]} record 3" in first_problem(loaded_desk)


def test_a_deleted_record_is_named(
    loaded_desk: ExceptionDesk, cases: list[str], tamper: psycopg.Connection[tuple[object, ...]]
) -> None:
    tamper.execute("DELETE FROM decision_records WHERE case_id=%s AND seq=4", (cases[2],))
    assert (
        first_problem(loaded_desk) == f"case {cases[2]} record 4: is missing (the chain jumps to 5)"
    )


def test_a_deleted_tail_is_caught_by_the_ledger_anchor(
    loaded_desk: ExceptionDesk, cases: list[str], tamper: psycopg.Connection[tuple[object, ...]]
) -> None:
    last = tamper.execute(
        "SELECT max(seq) FROM decision_records WHERE case_id=%s", (cases[0],)
    ).fetchone()
    assert last is not None
    tamper.execute("DELETE FROM decision_records WHERE case_id=%s AND seq=%s", (cases[0], last[0]))
    assert first_problem(loaded_desk) == (
        f"case {cases[0]} record {last[0]}: is anchored in the ledger but missing (deleted)"
    )


def test_reordered_records_are_named(
    loaded_desk: ExceptionDesk, cases: list[str], tamper: psycopg.Connection[tuple[object, ...]]
) -> None:
    tamper.execute("UPDATE decision_records SET seq = -1 WHERE case_id=%s AND seq=2", (cases[0],))
    tamper.execute("UPDATE decision_records SET seq = 2 WHERE case_id=%s AND seq=3", (cases[0],))
    tamper.execute("UPDATE decision_records SET seq = 3 WHERE case_id=%s AND seq=-1", (cases[0],))
    assert first_problem(loaded_desk).startswith(f"case {cases[0]} record 2:")


def test_a_deleted_case_is_detected(
    loaded_desk: ExceptionDesk, cases: list[str], tamper: psycopg.Connection[tuple[object, ...]]
) -> None:
    case_id = cases[1]
    for table in ("decision_records", "approvals", "outbox", "exception_events", "cases"):
        tamper.execute(f"DELETE FROM {table} WHERE case_id=%s", (case_id,))
    assert first_problem(loaded_desk) == (
        f"case {case_id}: anchored in the ledger but missing: the case was deleted"
    )


def test_a_rewritten_ledger_entry_is_named(
    loaded_desk: ExceptionDesk, cases: list[str], tamper: psycopg.Connection[tuple[object, ...]]
) -> None:
    tamper.execute(
        "UPDATE ledger_entries SET reason='resolved' WHERE tenant_id=%s AND seq=2", (TENANT,)
    )
    assert first_problem(loaded_desk) == "ledger: entry 2 was changed (hash mismatch)"


def test_a_recomputed_chain_still_disagrees_with_the_ledger(
    loaded_desk: ExceptionDesk, cases: list[str], tamper: psycopg.Connection[tuple[object, ...]]
) -> None:
    """An attacker who rewrites a record and recomputes every hash after it in the case's
    chain is still caught: the desk's signatures no longer match, and the ledger anchored
    the old head."""
    from exdesk.store.record_hashes import hash_fields_of, record_hash

    case_id = cases[2]
    tamper.execute(
        'UPDATE decision_records SET output = output || \'{"severity": "low"}\'::jsonb'
        " WHERE case_id=%s AND step='assess_severity'",
        (case_id,),
    )
    rows = tamper.execute(
        "SELECT * FROM decision_records WHERE case_id=%s ORDER BY seq", (case_id,)
    ).fetchall()
    columns = [
        c.name for c in tamper.execute("SELECT * FROM decision_records LIMIT 0").description or []
    ]
    previous = "0" * 64
    for values in rows:
        row = dict(zip(columns, values, strict=True))
        row["prev_hash"] = previous
        new_hash = record_hash(hash_fields_of(row))
        tamper.execute(
            "UPDATE decision_records SET prev_hash=%s, hash=%s WHERE case_id=%s AND seq=%s",
            (previous, new_hash, case_id, row["seq"]),
        )
        previous = new_hash

    assert "is not signed by this desk's key" in first_problem(loaded_desk)
    with loaded_desk.db.connection() as conn:  # without the key, the ledger still tells
        unkeyed = verify_tenant(conn, TENANT)
    assert "differs from the hash the ledger anchored" in str(unkeyed.problems[0])


def test_other_tenants_are_untouched_by_tampering_elsewhere(
    loaded_desk: ExceptionDesk,
    example_network: NetworkSnapshot,
    cases: list[str],
    tamper: psycopg.Connection[tuple[object, ...]],
) -> None:
    loaded_desk.load_network("globex", example_network)
    loaded_desk.ingest("globex", [short_pick(open_orders(example_network)[9], "wms-g")])
    tamper.execute("DELETE FROM decision_records WHERE case_id=%s AND seq=2", (cases[0],))

    assert not loaded_desk.verify(TENANT).ok
    assert loaded_desk.verify("globex").ok


def _classify_minus_zero() -> ClassifyStep:
    evidence = ClassificationEvidence(
        precedents=[PrecedentEvidence(case_id="case_old", category="other", similarity=-0.0)]
    )
    return ClassifyStep(
        category="other", confidence=0.5, rationale="r", engine="local", evidence=evidence
    )


def test_a_similarity_rounded_to_minus_zero_is_no_false_alarm(
    loaded_desk: ExceptionDesk, example_network: NetworkSnapshot
) -> None:
    """The penetration test's false alarm: -0.0 hashed, 0.0 read back from jsonb."""
    ref = loaded_desk.submit(TENANT, short_pick(open_orders(example_network)[0], "wms-z"))
    with loaded_desk.db.transaction() as conn:
        record, _, _ = append_record(
            conn,
            TENANT,
            ref.case_id,
            "0002:classify",
            StepEntry(actor="system", inputs_digest="0" * 64, output=_classify_minus_zero()),
            CaseUpdate(status="escalated"),
        )
        anchor_case(conn, record, "escalated")
    report = loaded_desk.verify(TENANT)
    assert report.ok, [str(p) for p in report.problems]


def test_a_record_hashed_the_first_releases_way_over_minus_zero_still_verifies(
    database_url: str, example_network: NetworkSnapshot
) -> None:
    """A record written before the fix (hash version 1, over -0.0, unsigned) verifies from
    the 0.0 jsonb returns: one of the 13,288 records the penetration test saw fail."""
    event = short_pick(open_orders(example_network)[0], "wms-v1")
    intake = IntakeStep(source=event.source, source_event_id=event.source_event_id)
    with psycopg.connect(database_url, **CONNECTION_KWARGS) as conn, conn.transaction():
        ref = insert_case(conn, TENANT, event, None)
        entry = StepEntry("system", digest(event.model_dump(mode="json")), intake)
        first, _, _ = append_record(conn, TENANT, ref.case_id, "0001:intake", entry)
        anchor_case(conn, first, "created")
        fields: dict[str, Any] = {
            "tenant_id": TENANT,
            "case_id": ref.case_id,
            "seq": 2,
            "at": datetime.now(UTC),
            "step": "classify",
            "actor": "agent:classifier@local",
            "inputs_digest": "0" * 64,
            "output": _classify_minus_zero().model_dump(mode="json"),
            "confidence": 0.5,
            "policy_results": [],
            "model": None,
            "trace_id": None,
            "span_id": None,
            "prev_hash": first.hash,
        }
        fields["hash"] = record_hash(fields)  # version 1, as the first release wrote it
        conn.execute(
            "INSERT INTO decision_records (tenant_id, case_id, seq, step_key, at, step, actor,"
            " inputs_digest, output, confidence, prev_hash, hash) VALUES (%(tenant_id)s,"
            " %(case_id)s, 2, '0002:classify', %(at)s, %(step)s, %(actor)s, %(inputs_digest)s,"
            " %(output)s, %(confidence)s, %(prev_hash)s, %(hash)s)",
            {**fields, "output": Jsonb(fields["output"])},
        )
        conn.execute(
            "UPDATE cases SET last_seq=2, last_hash=%s, status='classified' WHERE case_id=%s",
            (fields["hash"], ref.case_id),
        )
        anchor_case(conn, DecisionRecord.model_validate(fields), "classified")
    with psycopg.connect(database_url, **CONNECTION_KWARGS) as conn:
        stored = records_of_cases(conn, TENANT, [ref.case_id])[ref.case_id][-1]
        report = verify_tenant(conn, TENANT)
    assert stored.hash == fields["hash"]
    assert record_hash({**fields, "output": stored.output.model_dump(mode="json")}) != stored.hash
    assert report.ok, [str(p) for p in report.problems]
    assert report.unchecked[-1] == (
        "1 cases end in a record without a case digest (before release 2): only their status"
        " is checked against the log, not the other projection columns"
    )
