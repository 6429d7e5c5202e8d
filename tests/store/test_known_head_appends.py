"""A run that knows its case's chain head appends each record in one statement, sent now or
deferred to a later transaction: the record must commit to exactly the projection the case
row then holds, and never fork the chain when someone else appended meanwhile."""

from __future__ import annotations

import uuid
from typing import Any

import psycopg
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from exdesk.domain import DecisionRecord, FailStep, IntakeStep, NetworkSnapshot
from exdesk.examples import example_network as shipped_network
from exdesk.store.approvals import request_approval
from exdesk.store.audit import verify_tenant
from exdesk.store.cases import CaseUpdate, ChainHead, HeadMovedError, get_case_row, insert_case
from exdesk.store.commitments import (
    PROJECTION_COLUMNS,
    approval_digest,
    event_digest,
    row_digest,
)
from exdesk.store.database import CONNECTION_KWARGS, Database
from exdesk.store.decision_log import (
    AppendStatement,
    StepEntry,
    append_record,
    defer_append,
    deferred_written,
    find_record,
)
from exdesk.store.ledger import anchor_case
from exdesk.store.record_hashes import digest
from tests.support.scenarios import open_orders, short_pick

TENANT = "acme"

_floats = st.floats(allow_nan=False, allow_infinity=False)
_text = st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=8)
"""What jsonb and text columns store: any string but NUL and lone surrogates."""
_json = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**60), 2**60) | _floats | _text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(_text, inner, max_size=3),
    max_leaves=12,
)
_object = st.dictionaries(_text, _json, max_size=4)
_updates = st.builds(
    CaseUpdate,
    status=st.none() | st.sampled_from(["classified", "awaiting_approval", "resolved"]),
    category=st.none() | st.sampled_from(["short_pick", "carrier_delay"]),
    severity=st.none() | _text,
    confidence=st.none() | _floats,
    classification=st.none() | _object,
    recommendation=st.none() | _object,
    policy_results=st.none() | st.lists(st.dictionaries(_text, _json, max_size=3), max_size=2),
    failure_reason=st.none() | _text,
)


def _entry(text: str) -> StepEntry:
    """A record with some output (what it says does not matter here)."""
    return StepEntry(actor="system", inputs_digest=digest(text), output=FailStep(reason=text))


def _new_case(
    conn: psycopg.Connection[Any], network: NetworkSnapshot, source_id: str, tenant: str = TENANT
) -> tuple[str, ChainHead]:
    """A case with its intake record, and its head as read back from its row."""
    event = short_pick(open_orders(network)[0], source_id)
    with conn.transaction():
        ref = insert_case(conn, tenant, event, None)
        intake = IntakeStep(source=event.source, source_event_id=event.source_event_id)
        entry = StepEntry("system", digest(event.model_dump(mode="json")), intake)
        record = append_record(conn, tenant, ref.case_id, "0001:intake", entry).record
        anchor_case(conn, record, "created")
    return ref.case_id, read_head(conn, ref.case_id, tenant)


def read_head(conn: psycopg.Connection[Any], case_id: str, tenant: str = TENANT) -> ChainHead:
    row = get_case_row(conn, tenant, case_id)
    assert row is not None
    return ChainHead.of_row(row)


def assert_verifies(conn: psycopg.Connection[Any], tenant: str = TENANT) -> None:
    report = verify_tenant(conn, tenant)
    assert report.ok, [str(problem) for problem in report.problems]


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(updates=st.lists(_updates, min_size=1, max_size=5), deferrals=st.lists(st.booleans()))
def test_each_record_commits_to_the_projection_the_row_then_holds(
    database_url: str,
    updates: list[CaseUpdate],
    deferrals: list[bool],
) -> None:
    """Whatever a step writes to the projection — floats jsonb respells, -0.0, appended
    policy results, text of any script — the record commits to the digest of the row as
    it reads back, and the head the append returns is the row's, whether it was sent at
    once or deferred to the transaction of a later one. Each example has a tenant of its
    own: the database outlives examples, and a failed one must not fail the next."""
    tenant = f"t-{uuid.uuid4().hex}"
    with psycopg.connect(database_url, **CONNECTION_KWARGS) as conn:
        case_id, head = _new_case(conn, shipped_network(), "wms-projection", tenant)
        deferred: list[AppendStatement] = []
        last = None
        for number, update in enumerate(updates, start=2):
            key, entry = f"{number:04d}:x", _entry(str(number))
            if deferrals and deferrals[number % len(deferrals)]:
                append = defer_append(None, tenant, case_id, key, entry, update, head=head)
                deferred.append(append)
                assert append.appended.head is not None
                head, last = append.appended.head, append.appended.record
                continue
            with conn.transaction(), deferred_written(conn, deferred):
                appended = append_record(conn, tenant, case_id, key, entry, update, head=head)
            deferred = []
            stored = read_head(conn, case_id, tenant)
            assert appended.head is not None
            assert (appended.record.seq, appended.record.hash) == (stored.seq, stored.hash)
            assert stored.seq == head.seq + 1
            assert _digest(appended.head) == _digest(stored) == committed_digest(conn, case_id)
            head, last = appended.head, appended.record
        with conn.transaction(), deferred_written(conn, deferred):
            pass
        stored = read_head(conn, case_id, tenant)
        assert (stored.seq, stored.hash) == (head.seq, head.hash) == (len(updates) + 1, head.hash)
        assert _digest(head) == _digest(stored) == committed_digest(conn, case_id)
        with conn.transaction():
            assert last is not None
            anchor_case(conn, last, "waiting")
        assert_verifies(conn, tenant)


def committed_digest(conn: psycopg.Connection[Any], case_id: str) -> str:
    """The projection digest the case's last record committed to."""
    row = conn.execute(
        "SELECT r.case_digest FROM decision_records r JOIN cases c USING (case_id)"
        " WHERE r.case_id = %s AND r.seq = c.last_seq",
        (case_id,),
    ).fetchone()
    assert row is not None
    return str(row["case_digest"])


def _digest(head: ChainHead) -> str:
    return row_digest(head.projection, PROJECTION_COLUMNS)


@pytest.mark.parametrize("batched", [False, True], ids=["transaction", "batched"])
def test_a_record_appended_meanwhile_sends_the_append_down_the_locking_path(
    database_url: str, example_network: NetworkSnapshot, batched: bool
) -> None:
    """A delivery's outcome is appended without the run's lock: the run's next record
    links to it instead of forking the chain — and, in a pipelined transaction, commits
    with the rest of it, not before (the locking path opens no transaction of its own)."""
    with Database(database_url).open() as db, db.connection() as conn:
        case_id, head = _new_case(conn, example_network, "wms-moved")
        with conn.transaction():
            append_record(conn, TENANT, case_id, "deliver:x", _entry("delivered"))

        def append_then_fail() -> None:
            with db.batched_transaction() if batched else db.transaction() as writer:
                append_record(writer, TENANT, case_id, "0002:x", _entry("lost"), head=head)
                raise RuntimeError("after the append")

        with pytest.raises(RuntimeError, match="after the append"):
            append_then_fail()
        assert read_head(conn, case_id).seq == head.seq + 1
        with db.batched_transaction() if batched else db.transaction() as writer:
            appended = append_record(
                writer,
                TENANT,
                case_id,
                "0002:x",
                _entry("late"),
                CaseUpdate(status="resolved"),
                head=head,
            )
        assert appended.record.seq == head.seq + 2
        assert appended.head == read_head(conn, case_id)
        with conn.transaction():
            anchor_case(conn, appended.record, "final")
        assert_verifies(conn)


def test_a_record_is_appended_inside_a_transaction(
    database_url: str, example_network: NetworkSnapshot
) -> None:
    """Outside one, the locking path could not lock the head it appends after."""
    with psycopg.connect(database_url, **CONNECTION_KWARGS) as conn:
        case_id, head = _new_case(conn, example_network, "wms-outside")
        with pytest.raises(ValueError, match="inside a transaction"):
            append_record(conn, TENANT, case_id, "0002:x", _entry("a"), head=head)
        assert read_head(conn, case_id) == head


def anchors_of(conn: psycopg.Connection[Any], case_id: str) -> list[tuple[int, str]]:
    """The case's ledger entries: (record anchored, reason)."""
    rows = conn.execute(
        "SELECT case_seq, reason FROM ledger_entries WHERE case_id = %s ORDER BY seq",
        (case_id,),
    ).fetchall()
    return [(int(row["case_seq"]), str(row["reason"])) for row in rows]


@pytest.mark.parametrize("moved", [False, True], ids=["on the head", "head moved"])
def test_an_anchored_append_anchors_the_record_it_wrote_once(
    database_url: str, example_network: NetworkSnapshot, moved: bool
) -> None:
    """Asked to anchor, an append on a known head locks the tenant's ledger in its own
    statement and anchors the record it wrote; when the head moved, the locking path
    anchors it instead — once either way, and a step found already recorded is not
    anchored again."""
    tenant = f"t-{uuid.uuid4().hex}"  # a first anchor creates the tenant's ledger head
    with psycopg.connect(database_url, **CONNECTION_KWARGS) as conn:
        case_id, head = _new_case(conn, example_network, "wms-anchor", tenant)
        if moved:
            with conn.transaction():
                append_record(conn, tenant, case_id, "deliver:x", _entry("delivered"))
        waiting = CaseUpdate(status="awaiting_approval")
        with conn.transaction():
            appended = append_record(
                conn, tenant, case_id, "0002:x", _entry("a"), waiting, head=head, anchor="waiting"
            )
        with conn.transaction():
            again = append_record(conn, tenant, case_id, "0002:x", _entry("a"), anchor="waiting")
        assert appended.written
        assert not again.written
        assert anchors_of(conn, case_id) == [(1, "created"), (appended.record.seq, "waiting")]
        assert_verifies(conn, tenant)


def test_a_deferred_append_sends_nothing_until_its_transaction(
    database_url: str, example_network: NetworkSnapshot
) -> None:
    """A deferred record is not in the log, nor is its projection on the row, until the
    transaction it rides commits; a record that commits to rows beside it (its event, an
    approval, messages) is never deferred."""
    with psycopg.connect(database_url, **CONNECTION_KWARGS) as conn:
        case_id, head = _new_case(conn, example_network, "wms-deferred")
        classified = CaseUpdate(status="classified")
        append = defer_append(None, TENANT, case_id, "0002:x", _entry("a"), classified, head=head)
        assert read_head(conn, case_id) == head
        with conn.transaction(), deferred_written(conn, [append]):
            assert read_head(conn, case_id).projection["status"] == "classified"
        assert read_head(conn, case_id) == append.appended.head
        intake = IntakeStep(source="wms", source_event_id="wms-deferred")
        with pytest.raises(ValueError, match="append it now"):
            defer_append(
                None, TENANT, case_id, "0003:x", StepEntry("system", "0", intake), head=head
            )
        with conn.transaction():
            anchor_case(conn, append.appended.record, "waiting")
        assert_verifies(conn)


@pytest.mark.parametrize("batched", [False, True], ids=["transaction", "batched"])
def test_deferred_appends_on_a_moved_head_write_nothing(
    database_url: str, example_network: NetworkSnapshot, batched: bool
) -> None:
    """A record appended meanwhile (a delivery's outcome) under deferred ones: their
    transaction raises HeadMovedError and rolls back — with the record it appended itself,
    down the locking path — and the chain stays whole."""
    with Database(database_url).open() as db, db.connection() as conn:
        case_id, head = _new_case(conn, example_network, "wms-deferred-moved")
        first = defer_append(None, TENANT, case_id, "0002:x", _entry("a"), head=head)
        assert first.appended.head is not None
        second = defer_append(
            None, TENANT, case_id, "0003:x", _entry("b"), head=first.appended.head
        )
        assert second.appended.head is not None
        with conn.transaction():
            delivered = append_record(conn, TENANT, case_id, "deliver:x", _entry("delivered"))
        waiting = CaseUpdate(status="awaiting_approval")
        with (
            pytest.raises(HeadMovedError, match="run starts again"),
            db.batched_transaction() if batched else db.transaction() as writer,
            deferred_written(writer, [first, second]),
        ):
            append_record(
                writer, TENANT, case_id, "0004:x", _entry("c"), waiting, head=second.appended.head
            )
        stored = read_head(conn, case_id)
        assert (stored.seq, stored.projection["status"]) == (delivered.record.seq, "received")
        with conn.transaction():
            anchor_case(conn, delivered.record, "waiting")
        assert_verifies(conn)


def test_a_new_case_stands_on_the_head_intake_assumes(
    database_url: str, example_network: NetworkSnapshot
) -> None:
    """Intake appends its record on ``ChainHead.created`` without reading the row: the
    row ``insert_case`` makes must be exactly that, and the event digest it returns that of
    the event row as stored."""
    event = short_pick(open_orders(example_network)[0], "wms-new")
    with psycopg.connect(database_url, **CONNECTION_KWARGS) as conn:
        with conn.transaction():
            ref = insert_case(conn, TENANT, event, "ops@acme.example")
        assert read_head(conn, ref.case_id) == ChainHead.created(TENANT)
        assert ref.event_digest == event_digest(conn, ref.case_id)


@settings(
    max_examples=15, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(proposal=_object, reason=_text, excluded=st.lists(_text, max_size=2))
def test_an_approval_opened_fresh_commits_to_the_row_as_stored(
    database_url: str, proposal: dict[str, Any], reason: str, excluded: list[str]
) -> None:
    """Opened at a known head, an approval is not read back: the digest taken from what was
    sent — whatever jsonb respells in the proposal — is the digest of the stored row."""
    tenant = f"t-{uuid.uuid4().hex}"
    with psycopg.connect(database_url, **CONNECTION_KWARGS) as conn:
        case_id, _ = _new_case(conn, shipped_network(), "wms-approval", tenant)
        with conn.pipeline(), conn.transaction():
            opened = request_approval(
                conn,
                tenant_id=tenant,
                case_id=case_id,
                step_key="0005:check_policies",
                kind="remediation",
                required_role="ops",
                proposal=proposal,
                reason=reason,
                excluded_users=excluded,
                fresh=True,
            )
        assert approval_digest(conn, case_id, opened.approval_id) == opened.digest


def test_a_fresh_approval_where_one_exists_fails_its_transaction(
    database_url: str, example_network: NetworkSnapshot
) -> None:
    """``fresh`` asserts no approval exists: if one does, nothing of the step is kept."""
    with psycopg.connect(database_url, **CONNECTION_KWARGS) as conn:
        case_id, _ = _new_case(conn, example_network, "wms-approval-twice")
        ask: dict[str, Any] = {
            "tenant_id": TENANT,
            "case_id": case_id,
            "step_key": "0005:check_policies",
            "kind": "remediation",
            "required_role": "ops",
            "proposal": {"action": "reship"},
            "reason": "first",
        }
        with conn.transaction():
            first = request_approval(conn, **ask)
        again = request_approval(conn, **{**ask, "reason": "again"})
        assert again == first  # a re-run that does not know the head gets the same one
        with pytest.raises(psycopg.errors.UniqueViolation), conn.transaction():
            request_approval(conn, **{**ask, "reason": "fresh"}, fresh=True)
        rows = conn.execute("SELECT reason FROM approvals WHERE case_id=%s", (case_id,))
        assert [row["reason"] for row in rows] == ["first"]


@pytest.mark.parametrize(
    ("actor", "confidence", "refusal"),
    [
        ("Agent:classifier@local", None, "actor"),
        ("agent:classifier", None, "actor"),
        ("system\n", None, "actor"),
        ("robot", None, "actor"),
        ("system", 1.5, "confidence"),
        ("system", -0.1, "confidence"),
        ("system", float("nan"), "no JSON form"),
    ],
)
def test_an_entry_a_record_would_refuse_is_refused_before_anything_is_written(
    database_url: str,
    example_network: NetworkSnapshot,
    actor: str,
    confidence: float | None,
    refusal: str,
) -> None:
    """The record is built from values already valid, so the entry's own — its actor and
    its confidence — are checked as the record would check them: sent now or deferred,
    nothing is written and the head stays."""
    with psycopg.connect(database_url, **CONNECTION_KWARGS) as conn:
        case_id, head = _new_case(conn, example_network, f"wms-refused-{uuid.uuid4().hex}")
        entry = StepEntry(actor, digest("x"), FailStep(reason="x"), confidence=confidence)
        with pytest.raises(ValueError, match=refusal):
            defer_append(None, TENANT, case_id, "0002:x", entry, head=head)
        with pytest.raises(ValueError, match=refusal), conn.transaction():
            append_record(conn, TENANT, case_id, "0002:x", entry, head=head)
        assert read_head(conn, case_id) == head


@pytest.mark.parametrize("confidence", [None, 0.0, 0.25, 1])
def test_a_record_as_built_is_the_record_as_validated(
    database_url: str, example_network: NetworkSnapshot, confidence: float | None
) -> None:
    """What an append returns equals the same record validated from its parts and read
    back from its row (a confidence given as 1 is the record's 1.0)."""
    with psycopg.connect(database_url, **CONNECTION_KWARGS) as conn:
        case_id, head = _new_case(conn, example_network, f"wms-built-{uuid.uuid4().hex}")
        entry = StepEntry(
            "agent:classifier@local", digest("x"), FailStep(reason="x"), confidence=confidence
        )
        with conn.transaction():
            record = append_record(conn, TENANT, case_id, "0002:x", entry, head=head).record
        validated = DecisionRecord.model_validate(record.model_dump())
        assert record == validated
        assert record.model_dump_json() == validated.model_dump_json()
        assert find_record(conn, case_id, "0002:x") == record
