"""The decision log: append-only records, hash-chained per case, anchored per tenant.

Each case's records form a chain (``prev_hash`` → ``hash``). A case is advanced by one
worker at a time, and the append locks only that case's row, so many cases of one tenant
advance in parallel. The chain head is anchored in the tenant's ledger — itself a hash
chain (``exdesk.store.ledger``) — when the case is created and whenever it reaches a
waiting or final state.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from typing import Any, NamedTuple

from psycopg import Connection
from psycopg.pq import PipelineStatus, TransactionStatus
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb

from exdesk.domain import (
    ACTOR_PATTERN,
    DecisionRecord,
    ExecuteStep,
    IntakeStep,
    ModelUsage,
    PolicyCheckStep,
    PolicyResult,
    RouteStep,
    StepOutput,
)
from exdesk.errors import NotFoundError
from exdesk.store.canonical import CURRENT_VERSION, canonical_json_v2_of_dump
from exdesk.store.cases import (
    GENESIS_HASH,
    CaseUpdate,
    ChainHead,
    HeadMovedError,
    apply_update,
    update_assignments,
)
from exdesk.store.commitments import (
    PROJECTION_COLUMNS,
    approval_digest,
    event_digest,
    outbox_digest,
)
from exdesk.store.ledger import LOCK_LEDGER_CONFLICT, LOCK_LEDGER_HEAD, anchor_case, anchor_cases
from exdesk.store.record_hashes import record_hash
from exdesk.store.row_arrays import unnest_rows
from exdesk.store.signing import LogSigner, signer_of


@dataclass(frozen=True)
class StepEntry:
    """What one workflow step decided, before it is chained."""

    actor: str
    """``agent:<name>@<engine>``, ``policy:<id>``, ``human:<user>`` or ``system``."""
    inputs_digest: str
    output: StepOutput
    """What the step decided; ``output.step`` names the step."""
    confidence: float | None = None
    policy_results: Sequence[PolicyResult] = ()
    model: ModelUsage | None = None
    trace_id: str | None = None
    span_id: str | None = None

    @property
    def step(self) -> str:
        """The step's name (the node name, or ``intake``, ``escalate``, ``fail``)."""
        return self.output.step


_RECORD_TYPES = {
    "tenant_id": "text",
    "case_id": "text",
    "seq": "integer",
    "step_key": "text",
    "at": "timestamptz",
    "step": "text",
    "actor": "text",
    "inputs_digest": "text",
    "output": "jsonb",
    "confidence": "double precision",
    "policy_results": "jsonb",
    "model": "jsonb",
    "trace_id": "text",
    "span_id": "text",
    "prev_hash": "text",
    "hash": "text",
    "hash_version": "smallint",
    "case_digest": "text",
    "signature": "text",
}
"""A decision record's columns, in the order statements name them, and their types (the
table's, for appends sent as arrays)."""

_RECORD_COLUMNS = ", ".join(_RECORD_TYPES)

_NOT_IN_MODEL = frozenset({"step_key", "hash_version", "case_digest", "signature"})


def _record_from_row(row: dict[str, Any]) -> DecisionRecord:
    return DecisionRecord.model_validate({k: v for k, v in row.items() if k not in _NOT_IN_MODEL})


def find_record(conn: Connection[DictRow], case_id: str, step_key: str) -> DecisionRecord | None:
    """The record a step already wrote, if it did (a re-run after a crash)."""
    row = conn.execute(
        f"SELECT {_RECORD_COLUMNS} FROM decision_records WHERE case_id=%s AND step_key=%s",
        (case_id, step_key),
    ).fetchone()
    return None if row is None else _record_from_row(row)


class Appended(NamedTuple):
    """What :func:`append_record` did."""

    record: DecisionRecord
    """The step's record: the one appended now, or the one it had already written."""
    written: bool
    """False when the step had already written its record (a re-run)."""
    head: ChainHead | None
    """The case's head after the record (None when the record was found, not written)."""


def append_record(
    conn: Connection[DictRow],
    tenant_id: str,
    case_id: str,
    step_key: str,
    entry: StepEntry,
    update: CaseUpdate | None = None,
    *,
    head: ChainHead | None = None,
    anchor: str | None = None,
) -> Appended:
    """Append one record to the case's chain, exactly once per ``step_key``, and apply the
    step's projection ``update`` to the case row in the same transaction as the new head.

    ``anchor``: when the record is written now, anchor it in the tenant's ledger with this
    reason, in the same transaction (see :func:`anchor_case`); run it inside one.

    The case row holds the chain head and is locked for the append, so one case's chain
    never forks and other cases are never blocked.

    ``head``: the caller holds the case's run lock and knows the chain head, so the step
    cannot have been recorded. The record is then written by one statement, which moves
    the head only if it is still ``head`` (the unique ``(case_id, step_key)`` still refuses
    a second record); one appended meanwhile outside the run (a delivery's outcome) sends
    the append down the locking path. Without ``head``, the step is looked up first and
    the append locks the case row.

    Run it inside a transaction (a pipelined one too: its state is not known to psycopg
    before the pipeline syncs, so no savepoint is opened here).
    """
    _require_transaction(conn)
    update = update or CaseUpdate()
    if head is not None:
        entry = _committed(conn, case_id, entry)
        statement = _append_statement(
            signer_of(conn), tenant_id, case_id, step_key, entry, update, head, anchor is not None
        )
        moved = conn.execute(statement.sql, statement.params).fetchone()
        # read, not counted: a pipelined statement's count comes with its rows
        if moved is not None:  # the record inserted (and the ledger head it let through)
            if anchor is not None:
                anchor_case(conn, statement.appended.record, anchor, moved)
            return statement.appended
        # the head moved: look the step up, then lock the head
        return append_record(conn, tenant_id, case_id, step_key, entry, update, anchor=anchor)
    existing = find_record(conn, case_id, step_key)
    if existing is not None:
        return Appended(existing, False, None)
    appended = _append_locked(conn, tenant_id, case_id, step_key, entry, update)
    if anchor is not None:
        anchor_case(conn, appended.record, anchor)
    return appended


def _require_transaction(conn: Connection[DictRow]) -> None:
    """Refuse a connection outside a transaction (an idle one, not in a pipeline)."""
    info = conn.info
    if (
        info.pipeline_status == PipelineStatus.OFF
        and info.transaction_status == TransactionStatus.IDLE
    ):
        raise ValueError("append a record inside a transaction")


@dataclass(frozen=True)
class AppendStatement:
    """The one statement appending a record after a known head: it returns a row only if
    the case row still stood on that head (else it writes nothing). Sent now by
    :func:`append_record`, or later by :func:`deferred_written` (:func:`defer_append`),
    which sends a run of them as one statement."""

    sql: str
    params: dict[str, Any]
    appended: Appended
    """What the append does once written: the record, and the head after it."""
    row: dict[str, Any]
    """The record's column values (``_RECORD_COLUMNS``)."""
    update: CaseUpdate
    """What the append changes in the case's projection."""


def defer_append(
    signer: LogSigner | None,
    tenant_id: str,
    case_id: str,
    step_key: str,
    entry: StepEntry,
    update: CaseUpdate | None = None,
    *,
    head: ChainHead,
) -> AppendStatement:
    """The append of a record after a known ``head`` (as :func:`append_record` with
    ``head``), made without a connection: nothing is sent until :func:`deferred_written`
    sends it inside a later transaction — the one that commits what someone outside the
    database acts on next (a gate, a message, a stop) — so the record costs no round trip
    of its own. The step's output must commit to no row beside it (an approval, outbox
    messages, the event): those are written with the record."""
    if _commits_to_rows(entry.output):
        raise ValueError(f"a {entry.step} record commits to rows beside it: append it now")
    return _append_statement(
        signer, tenant_id, case_id, step_key, entry, update or CaseUpdate(), head, False
    )


@contextmanager
def deferred_written(
    conn: Connection[DictRow], deferred: Sequence[AppendStatement]
) -> Iterator[None]:
    """Send ``deferred`` appends first in the block (inside a transaction); at its end, raise
    :class:`HeadMovedError` — rolling the transaction back — when one found its head moved (a
    record appended meanwhile outside the run) and so wrote nothing, nor did any after it.
    Their answers are read with the block's own: no round trip of their own."""
    sent = conn.execute(*_appended_together(deferred)) if deferred else None
    yield
    if sent is not None and sent.fetchone() is None:
        record = deferred[0].appended.record
        raise HeadMovedError(
            f"case {record.case_id}: a record was appended before record {record.seq}"
            " was written; the run starts again from its last checkpoint"
        )


def _appended_together(appends: Sequence[AppendStatement]) -> tuple[str, dict[str, Any]]:
    """One statement for consecutive appends to one case (each after the head the one before
    it leaves): it moves the case row from the first one's head to the last one's, applying
    their updates in order, and inserts every record — or, the head having moved, writes
    nothing and returns no row."""
    if len(appends) == 1:
        return appends[0].sql, appends[0].params
    first, last = appends[0], appends[-1]
    update = first.update
    for append in appends[1:]:
        update = update.then(append.update)
    sets, values = update_assignments(update, after=last.appended.head)
    records, arrays = unnest_rows(_RECORD_TYPES, [append.row for append in appends], binary=True)
    sql = (
        _moved_head(sets) + f" INSERT INTO decision_records ({_RECORD_COLUMNS})"
        f" SELECT records.* FROM head, {records} AS records RETURNING seq"
    )
    params = {
        **values,
        **arrays,
        "case_id": first.row["case_id"],
        "tenant_id": first.row["tenant_id"],
        "head_seq": first.params["head_seq"],
        "prev_hash": first.row["prev_hash"],
        "seq": last.row["seq"],
        "hash": last.row["hash"],
    }
    return sql, params


def _append_locked(
    conn: Connection[DictRow],
    tenant_id: str,
    case_id: str,
    step_key: str,
    entry: StepEntry,
    update: CaseUpdate,
) -> Appended:
    """Lock the case row (applying ``update``), then append after the head it holds."""
    head = ChainHead.of_row(lock_head(conn, tenant_id, case_id, update))
    entry = _committed(conn, case_id, entry)
    fields, record = _chained(signer_of(conn), tenant_id, case_id, step_key, head, entry)
    conn.execute(
        f"WITH appended AS (INSERT INTO decision_records ({_RECORD_COLUMNS}) VALUES"
        f" ({_RECORD_VALUES}) RETURNING seq, hash)"
        " UPDATE cases SET last_seq = appended.seq, last_hash = appended.hash,"
        " updated_at = now() FROM appended WHERE cases.case_id = %(case_id)s",
        fields,
    )
    return Appended(record, True, head.moved(record.seq, record.hash))


def _append_statement(
    signer: LogSigner | None,
    tenant_id: str,
    case_id: str,
    step_key: str,
    entry: StepEntry,
    update: CaseUpdate,
    head: ChainHead,
    lock_ledger: bool,
) -> AppendStatement:
    """The statement appending after a known ``head``. ``lock_ledger``: it also locks the
    tenant's ledger head for an anchor (creating it on first use) and returns it."""
    after = head.updated(update)
    fields, record = _chained(signer, tenant_id, case_id, step_key, after, entry)
    sets, values = update_assignments(update, after=after)
    insert = f"INSERT INTO decision_records ({_RECORD_COLUMNS}) SELECT {_RECORD_VALUES} FROM head"
    ledger = (
        f", appended AS ({insert} RETURNING seq), ledger AS ({LOCK_LEDGER_HEAD}"
        " SELECT %(tenant_id)s, 0, %(genesis)s FROM appended"
        f" {LOCK_LEDGER_CONFLICT}) SELECT seq, hash FROM ledger"
    )
    sql = _moved_head(sets) + (ledger if lock_ledger else f" {insert} RETURNING seq")
    params = {**values, **fields, "head_seq": head.seq, "genesis": GENESIS_HASH}
    appended = Appended(record, True, after.moved(record.seq, record.hash))
    return AppendStatement(sql, params, appended, fields, update)


def _moved_head(sets: str) -> str:
    """``WITH head AS (…)``: the case row moved from the head ``head_seq`` / ``prev_hash`` to
    ``seq`` / ``hash``, with the projection's ``sets`` applied; no row when it stood on
    another head (then the statement writes nothing)."""
    return (
        f"WITH head AS (UPDATE cases SET {sets}last_seq = %(seq)s,"
        " last_hash = %(hash)s, updated_at = now() WHERE case_id = %(case_id)s"
        " AND tenant_id = %(tenant_id)s AND last_seq = %(head_seq)s"
        " AND last_hash = %(prev_hash)s RETURNING case_id)"
    )


_RECORD_VALUES = ", ".join(f"%({column})s" for column in _RECORD_TYPES)


def _chained(
    signer: LogSigner | None,
    tenant_id: str,
    case_id: str,
    step_key: str,
    head: ChainHead,
    entry: StepEntry,
) -> tuple[dict[str, Any], DecisionRecord]:
    """The record linking to ``head`` (whose projection is the one the step leaves): its
    column values for the insert, and the record itself."""
    output = entry.output
    policy_results = list(entry.policy_results)
    # Each JSON column is serialised once: its canonical text is both what the hash
    # covers and what jsonb is sent (a JSON dump of a model is already what jsonb keeps).
    documents: dict[str, Any] = {
        "output": output.model_dump(mode="json"),
        "policy_results": [r.model_dump(mode="json") for r in policy_results],
        "model": entry.model.model_dump(mode="json") if entry.model else None,
    }
    written = {column: canonical_json_v2_of_dump(value) for column, value in documents.items()}
    fields: dict[str, Any] = {
        "tenant_id": tenant_id,
        "case_id": case_id,
        "seq": head.seq + 1,
        "at": datetime.now(UTC),
        "step": entry.step,
        "actor": entry.actor,
        "inputs_digest": entry.inputs_digest,
        **documents,
        "confidence": entry.confidence,
        "trace_id": entry.trace_id,
        "span_id": entry.span_id,
        "prev_hash": head.hash,
        "hash_version": CURRENT_VERSION,
        "case_digest": head.projection_digest(),
    }
    fields["hash"] = record_hash(fields, written)
    _check_entry(entry)
    # Built from what is already valid — the step's validated models, the case row's ids
    # and head, hashes made here — once the entry's own values are checked: validating the
    # whole record again would only repeat those checks.
    record = DecisionRecord.model_construct(
        **{
            **{k: v for k, v in fields.items() if k not in _NOT_IN_MODEL},
            "output": output,
            "policy_results": policy_results,
            "model": entry.model,
            "confidence": None if entry.confidence is None else float(entry.confidence),
        }
    )
    values = {
        **fields,
        "step_key": step_key,
        **{
            column: None if value is None else Jsonb(written[column], dumps=_as_written)
            for column, value in documents.items()
        },
        "signature": signer.sign("record", fields["hash"]) if signer else None,
    }
    return values, record


_ACTOR = re.compile(ACTOR_PATTERN)


def _check_entry(entry: StepEntry) -> None:
    """Refuse what a decision record would refuse of a step's entry: an actor not of the
    record's pattern, a confidence outside [0, 1]."""
    if _ACTOR.fullmatch(entry.actor) is None:
        raise ValueError(f"{entry.actor!r} is not a record's actor ({ACTOR_PATTERN})")
    confidence = entry.confidence
    if confidence is not None and not (
        isinstance(confidence, int | float) and 0.0 <= confidence <= 1.0
    ):
        raise ValueError(f"a record's confidence is a number in [0, 1], not {confidence!r}")


def _as_written(text: str) -> str:
    """Sends jsonb a document already serialised."""
    return text


def lock_head(
    conn: Connection[DictRow], tenant_id: str, case_id: str, update: CaseUpdate
) -> dict[str, Any]:
    """Lock the case row for an append, applying the step's projection ``update`` in the
    same statement; the chain head and the projection as they now stand."""
    returning = f"last_seq, last_hash, {', '.join(PROJECTION_COLUMNS)}"
    head = apply_update(conn, case_id, update, tenant_id=tenant_id, returning=returning)
    if head is None:
        head = conn.execute(
            f"SELECT {returning} FROM cases WHERE case_id=%s AND tenant_id=%s FOR UPDATE",
            (case_id, tenant_id),
        ).fetchone()
    if head is None:
        raise NotFoundError(f"case {case_id} does not exist")
    return head


def _committed(conn: Connection[DictRow], case_id: str, entry: StepEntry) -> StepEntry:
    """The entry with digests of the rows its step wrote beside it (the event row, the
    approval it opened, the outbox rows it committed), read back as stored."""
    output = entry.output
    if not _commits_to_rows(output):
        return entry
    if isinstance(output, IntakeStep):
        digests: dict[str, Any] = {"event_digest": event_digest(conn, case_id)}
    elif isinstance(output, ExecuteStep):
        found = {oid: outbox_digest(conn, case_id, oid) for oid in output.outbox_ids}
        digests = {"outbox_digests": {oid: d for oid, d in found.items() if d is not None}}
    elif isinstance(output, RouteStep | PolicyCheckStep) and output.approval_id is not None:
        digests = {"approval_digest": approval_digest(conn, case_id, output.approval_id)}
    return replace(entry, output=output.model_copy(update=digests))


def _commits_to_rows(output: StepOutput) -> bool:
    """Whether the output is yet to commit to rows its step wrote beside it: the event (an
    intake), the approval it opened, the outbox messages it committed."""
    if isinstance(output, IntakeStep):
        return output.event_digest is None
    if isinstance(output, RouteStep | PolicyCheckStep):
        return output.approval_id is not None and output.approval_digest is None
    if isinstance(output, ExecuteStep):
        return bool(output.outbox_ids) and output.outbox_digests is None
    return False


def append_first_records(
    conn: Connection[DictRow],
    tenant_id: str,
    firsts: Sequence[tuple[str, str, StepEntry]],
    *,
    anchor: str,
) -> list[Appended]:
    """The first record — ``(case_id, step_key, entry)`` — of each of cases created in this
    transaction, each anchored in the tenant's ledger with reason ``anchor``, in order: as
    :func:`append_record` with ``head=ChainHead.created(...)`` and ``anchor`` for each, but
    the records are written by one statement, then the ledger head is locked once and
    every anchor is written by one more — three statements for a batch of cases, not two
    for each, and two waits."""
    _require_transaction(conn)
    if not firsts:
        return []
    signer = signer_of(conn)
    rows: list[dict[str, Any]] = []
    appended: list[Appended] = []
    for case_id, step_key, entry in firsts:
        head = ChainHead.created(tenant_id)
        committed = _committed(conn, case_id, entry)
        fields, record = _chained(signer, tenant_id, case_id, step_key, head, committed)
        rows.append(fields)
        appended.append(Appended(record, True, head.moved(record.seq, record.hash)))
    written = conn.execute(*_firsts_together(tenant_id, rows)).fetchall()
    if len(written) != len(rows):  # no one else can see a case before it commits
        missing = {row["case_id"] for row in rows} - {row["case_id"] for row in written}
        raise HeadMovedError(f"cases {sorted(missing)}: appended to before they were created")
    anchor_cases(conn, tenant_id, [a.record for a in appended], anchor)
    return appended


def _firsts_together(tenant_id: str, rows: Sequence[dict[str, Any]]) -> tuple[str, dict[str, Any]]:
    """One statement for the first records of new cases (``rows``: their column values,
    each on its case's created head, changing nothing else of its row): each case row moved
    to its record, and the records inserted — the ones whose case stood on its created head,
    returning their case."""
    records, params = unnest_rows(_RECORD_TYPES, rows, binary=True)
    sql = (
        f"WITH records AS (SELECT * FROM {records} AS r({_RECORD_COLUMNS})),"
        " heads AS (UPDATE cases SET last_seq = records.seq, last_hash = records.hash,"
        " updated_at = now() FROM records WHERE cases.case_id = records.case_id"
        " AND cases.tenant_id = %(tenant_id)s AND cases.last_seq = 0"
        " AND cases.last_hash = %(genesis)s RETURNING cases.case_id)"
        f" INSERT INTO decision_records ({_RECORD_COLUMNS}) SELECT {_RECORD_COLUMNS}"
        " FROM records WHERE case_id IN (SELECT case_id FROM heads) RETURNING case_id"
    )
    return sql, {**params, "tenant_id": tenant_id, "genesis": GENESIS_HASH}


def records_of_cases(
    conn: Connection[DictRow], tenant_id: str, case_ids: Sequence[str]
) -> dict[str, list[DecisionRecord]]:
    """Each case's records in chain order, in one query; a case without any is absent."""
    rows = conn.execute(
        f"SELECT {_RECORD_COLUMNS} FROM decision_records"
        " WHERE tenant_id=%s AND case_id = ANY(%s) ORDER BY case_id, seq",
        (tenant_id, list(case_ids)),
    ).fetchall()
    by_case: dict[str, list[DecisionRecord]] = {}
    for row in rows:
        by_case.setdefault(row["case_id"], []).append(_record_from_row(row))
    return by_case


def case_notes_of_cases(
    conn: Connection[DictRow], tenant_id: str, case_ids: Sequence[str]
) -> dict[str, dict[str, Any]]:
    """What the case view shows beside its rows, read from the decision log in one query:
    each case's ``warnings`` (its enrich record) and ``resolution`` (its last resolve)."""
    rows = conn.execute(
        "SELECT case_id, step, output->'warnings' AS warnings,"
        " output->>'resolution' AS resolution FROM decision_records"
        " WHERE tenant_id=%s AND case_id = ANY(%s) AND step IN ('enrich', 'resolve')"
        " ORDER BY case_id, seq",
        (tenant_id, list(case_ids)),
    ).fetchall()
    notes: dict[str, dict[str, Any]] = {}
    for row in rows:
        note = notes.setdefault(row["case_id"], {})
        if row["step"] == "enrich":
            note["warnings"] = row["warnings"] or []
        else:
            note["resolution"] = row["resolution"]
    return notes
