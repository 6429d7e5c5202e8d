"""Case rows: creation from an event (once per source event), projection updates, queries."""

from __future__ import annotations

import base64
import hashlib
import json
import uuid
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, fields
from datetime import datetime
from typing import Any

from psycopg import Connection
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb

from exdesk.domain import CaseStatus, Category, ExceptionEvent, Route
from exdesk.errors import ConflictError, InputError
from exdesk.store.canonical import canonical_json_v2_of_dump, canonical_object_v2
from exdesk.store.commitments import EVENT_COLUMNS, PROJECTION_COLUMNS, row_digest


def new_case_id() -> str:
    """A fresh, URL-safe case id."""
    return f"case_{uuid.uuid4().hex[:24]}"


@dataclass(frozen=True)
class CaseUpdate:
    """Columns of the case projection a step changes; None leaves a column as it is."""

    status: CaseStatus | None = None
    category: Category | None = None
    route: Route | None = None
    severity: str | None = None
    confidence: float | None = None
    classification: dict[str, Any] | None = None
    extraction: dict[str, Any] | None = None
    extraction_error: str | None = None
    recommendation: dict[str, Any] | None = None
    draft: dict[str, Any] | None = None
    policy_results: list[dict[str, Any]] | None = None
    """Appended to the case's policy results, not replacing them."""
    failure_reason: str | None = None

    def values(self) -> dict[str, Any]:
        """The columns the update writes, and their values."""
        return {f.name: value for f in fields(self) if (value := getattr(self, f.name)) is not None}

    def then(self, later: CaseUpdate) -> CaseUpdate:
        """This update followed by ``later``, as one: a column ``later`` writes takes its
        value, and policy results are appended, this update's first."""
        merged = {**self.values(), **later.values()}
        if self.policy_results is not None and later.policy_results is not None:
            merged["policy_results"] = [*self.policy_results, *later.policy_results]
        return CaseUpdate(**merged)


_JSON_COLUMNS = frozenset({"classification", "extraction", "recommendation", "draft"})
_APPENDED = frozenset({"policy_results"})
"""JSON columns an update appends to rather than replaces."""


def update_assignments(
    update: CaseUpdate, prefix: str = "set_", after: ChainHead | None = None
) -> tuple[str, dict[str, Any]]:
    """The ``SET`` list of an update (each assignment followed by ``", "``, empty when it
    changes nothing) and its parameters, named ``prefix`` + column. ``after``: the head the
    update leaves, whose projection's JSON is already written (hashed): a replaced JSON
    column is sent that text rather than serialised again."""
    texts = after._texts if after is not None else {}
    sets: list[str] = []
    params: dict[str, Any] = {}
    for column, value in update.values().items():
        name = f"{prefix}{column}"
        if column in _APPENDED:
            sets.append(f"{column} = {column} || %({name})s, ")
            params[name] = Jsonb(value)
        else:
            sets.append(f"{column} = %({name})s, ")
            if column not in _JSON_COLUMNS:
                params[name] = value
            elif (text := texts.get(column)) is not None:
                params[name] = Jsonb(text, dumps=str)  # already JSON: sent as it is
            else:
                params[name] = Jsonb(value)
    return "".join(sets), params


def projected(projection: Mapping[str, Any], update: CaseUpdate) -> dict[str, Any]:
    """The projection columns as :func:`update_assignments` leaves them — its Python twin,
    for a writer that knows the row and need not read it back."""
    after = dict(projection)
    for column, value in update.values().items():
        after[column] = [*after[column], *value] if column in _APPENDED else value
    return after


def apply_update(
    conn: Connection[DictRow],
    case_id: str,
    update: CaseUpdate,
    *,
    tenant_id: str | None = None,
    returning: str | None = None,
) -> dict[str, Any] | None:
    """Write a step's projection changes (inside the step's transaction).

    With ``returning`` (a column list), the updated row's columns; None when there was
    nothing to write (or no such case of ``tenant_id``).
    """
    sets, params = update_assignments(update)
    if not sets:
        return None
    tenant = " AND tenant_id = %(tenant_id)s" if tenant_id is not None else ""
    tail = f" RETURNING {returning}" if returning else ""
    cursor = conn.execute(
        f"UPDATE cases SET {sets}updated_at = now() WHERE case_id = %(case_id)s{tenant}{tail}",
        {**params, "case_id": case_id, "tenant_id": tenant_id},
    )
    return cursor.fetchone() if returning else None


GENESIS_HASH = "0" * 64
"""The ``prev_hash`` of a chain's first record (the head of a case with none)."""


class HeadMovedError(Exception):
    """A record written on a chain head the case no longer stood on (another writer
    appended meanwhile) was refused: the run that wrote it starts again from its last
    checkpoint. Transient: never a reason to fail a case."""


@dataclass(frozen=True)
class ChainHead:
    """A case's chain head and projection as stored: what its next record links to
    (``seq``, ``hash``) and commits to (the projection's digest)."""

    seq: int
    hash: str
    projection: Mapping[str, Any]
    """The case row's ``PROJECTION_COLUMNS``, as they read back."""
    _texts: dict[str, str] = field(default_factory=dict, compare=False, repr=False)
    """The canonical JSON of each projection column written so far (a cache)."""

    @classmethod
    def of_row(cls, row: Mapping[str, Any]) -> ChainHead:
        """The head of a case row read with its chain head and projection columns."""
        return cls(
            int(row["last_seq"]),
            str(row["last_hash"]),
            {column: row[column] for column in PROJECTION_COLUMNS},
        )

    @classmethod
    def created(cls, tenant_id: str) -> ChainHead:
        """The head of a case :func:`insert_case` has just created: no record yet, and the
        projection's column defaults."""
        projection: dict[str, Any] = dict.fromkeys(PROJECTION_COLUMNS)
        projection.update(tenant_id=tenant_id, status="received", policy_results=[])
        return cls(0, GENESIS_HASH, projection)

    def updated(self, update: CaseUpdate) -> ChainHead:
        """The same head with ``update`` applied to the projection."""
        after = projected(self.projection, update)
        kept = {c: text for c, text in self._texts.items() if after[c] is self.projection[c]}
        return ChainHead(self.seq, self.hash, after, kept)

    def moved(self, seq: int, hash: str) -> ChainHead:
        """The head once a record ``seq`` (with ``hash``) is appended, projection unchanged."""
        return ChainHead(seq, hash, self.projection, self._texts)

    def projection_digest(self) -> str:
        """The digest of the projection (``row_digest`` over ``PROJECTION_COLUMNS``),
        serialising only the columns not serialised before."""
        for column in PROJECTION_COLUMNS:
            if column not in self._texts:
                self._texts[column] = canonical_json_v2_of_dump(self.projection[column])
        return hashlib.sha256(canonical_object_v2(self._texts).encode()).hexdigest()


@dataclass(frozen=True)
class CaseRef:
    """A case's identity and whether this call created it."""

    case_id: str
    tenant_id: str
    created: bool
    status: CaseStatus
    event_digest: str | None = None
    """For a case created now: the digest of its event row as stored (what its intake
    record commits to)."""


def check_tenant(tenant_id: str, events: Sequence[ExceptionEvent]) -> None:
    """Refuse a batch naming another tenant anywhere, locating the event."""
    for index, event in enumerate(events):
        if event.tenant_id is not None and event.tenant_id != tenant_id:
            raise InputError(
                f"event {index}: tenant_id {event.tenant_id!r} is not the caller's tenant",
                location=f"[{index}].tenant_id",
            )


def insert_case(
    conn: Connection[DictRow], tenant_id: str, event: ExceptionEvent, initiated_by: str | None
) -> CaseRef:
    """Create the case for an event, or return the one that exists (inside a transaction).

    Idempotent on (tenant, source, source_event_id), also under concurrent posts: the
    event's primary key decides, the loser waits for the winner and reads its case, and
    every delivery is counted on the event row. The same id with other content is never
    dropped silently: ConflictError (409), and the caller's transaction rolls back.
    """
    return insert_cases(conn, tenant_id, [event], initiated_by)[0]


def insert_cases(
    conn: Connection[DictRow],
    tenant_id: str,
    events: Sequence[ExceptionEvent],
    initiated_by: str | None,
) -> list[CaseRef]:
    """:func:`insert_case` for each event, in order; their statements are sent together,
    so a pipelined transaction waits once for the whole batch, not once per event. Nothing
    is sent when an event names another tenant (:func:`check_tenant`)."""
    check_tenant(tenant_id, events)
    payloads = [
        event.model_dump(mode="json", exclude={"tenant_id"}, exclude_none=True) for event in events
    ]
    # One statement each: the event row, and the case row when the event is new.
    sent = [
        conn.execute(
            _RECEIVE_EVENT,
            (
                tenant_id,
                event.source,
                event.source_event_id,
                Jsonb(payload),
                new_case_id(),
                initiated_by,
            ),
        )
        for event, payload in zip(events, payloads, strict=True)
    ]
    return [
        _case_received(conn, tenant_id, event, payload, cursor.fetchone())
        for event, payload, cursor in zip(events, payloads, sent, strict=True)
    ]


_RECEIVE_EVENT = (
    "WITH received AS (INSERT INTO exception_events (tenant_id, source, source_event_id,"
    " event, case_id, initiated_by) VALUES (%s, %s, %s, %s, %s, %s)"
    " ON CONFLICT (tenant_id, source, source_event_id) DO UPDATE"
    " SET last_received_at = now(), times_received = exception_events.times_received + 1"
    f" RETURNING {', '.join(EVENT_COLUMNS)}, (xmax = 0) AS created),"
    " opened AS (INSERT INTO cases (case_id, tenant_id, status)"
    " SELECT case_id, tenant_id, 'received' FROM received WHERE created)"
    " SELECT * FROM received"
)


def _case_received(
    conn: Connection[DictRow],
    tenant_id: str,
    event: ExceptionEvent,
    payload: dict[str, Any],
    received: DictRow | None,
) -> CaseRef:
    """The case an event's row names: created now, or the one its earlier delivery opened."""
    assert received is not None  # the statement returns the event's row
    if received["created"]:
        stored = row_digest(received, EVENT_COLUMNS)
        return CaseRef(received["case_id"], tenant_id, True, "received", stored)
    if received["event"] != payload:
        raise ConflictError(
            f"event {event.source}/{event.source_event_id} was already received with other "
            f"content (case {received['case_id']}); send a new source_event_id for new "
            "information — nothing of this request was stored"
        )
    status = conn.execute(
        "SELECT status FROM cases WHERE case_id=%s", (received["case_id"],)
    ).fetchone()
    assert status is not None  # an event row always has its case
    return CaseRef(received["case_id"], tenant_id, False, status["status"])


_CASE_WITH_EVENT = (
    "SELECT c.*, e.event, e.initiated_by FROM cases c JOIN exception_events e USING (case_id)"
)


CASE_ROW = f"{_CASE_WITH_EVENT} WHERE c.tenant_id=%s AND c.case_id=%s"
"""One case row of a tenant with its event; parameters: the tenant, the case."""


def get_case_row(conn: Connection[DictRow], tenant_id: str, case_id: str) -> dict[str, Any] | None:
    """The case row of this tenant with its event, or None (also for another tenant's)."""
    return conn.execute(CASE_ROW, (tenant_id, case_id)).fetchone()


@dataclass(frozen=True)
class CaseFilter:
    """What ``GET /v1/cases`` and ``exdesk cases list`` may filter on."""

    status: CaseStatus | None = None
    category: Category | None = None
    route: Route | None = None


def _where(tenant_id: str, case_filter: CaseFilter) -> tuple[list[str], dict[str, Any]]:
    clauses = ["c.tenant_id = %(tenant_id)s"]
    params: dict[str, Any] = {"tenant_id": tenant_id}
    for column in ("status", "category", "route"):
        value = getattr(case_filter, column)
        if value is not None:
            clauses.append(f"c.{column} = %({column})s")
            params[column] = value
    return clauses, params


def encode_cursor(created_at: datetime, case_id: str) -> str:
    """An opaque pagination cursor pointing after one case."""
    raw = json.dumps([created_at.isoformat(), case_id]).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def decode_cursor(cursor: str) -> tuple[datetime, str]:
    """The position an opaque cursor points after; InputError when it is not ours."""
    try:
        padded = cursor + "=" * (-len(cursor) % 4)
        created_at, case_id = json.loads(base64.urlsafe_b64decode(padded))
        return datetime.fromisoformat(created_at), str(case_id)
    except (ValueError, TypeError) as error:
        raise InputError(
            "cursor is not valid; use the next_cursor of a previous page", location="cursor"
        ) from error


def list_case_rows(
    conn: Connection[DictRow],
    tenant_id: str,
    case_filter: CaseFilter,
    *,
    limit: int,
    cursor: str | None = None,
) -> tuple[list[dict[str, Any]], str | None]:
    """A page of the tenant's cases, newest first, and the cursor of the next page."""
    clauses, params = _where(tenant_id, case_filter)
    params["limit"] = limit + 1
    if cursor is not None:
        params["after_created"], params["after_id"] = decode_cursor(cursor)
        clauses.append("(c.created_at, c.case_id) < (%(after_created)s, %(after_id)s)")
    rows = conn.execute(
        f"{_CASE_WITH_EVENT} WHERE "
        + " AND ".join(clauses)
        + " ORDER BY c.created_at DESC, c.case_id DESC LIMIT %(limit)s",
        params,
    ).fetchall()
    next_cursor = None
    if len(rows) > limit:
        rows = rows[:limit]
        next_cursor = encode_cursor(rows[-1]["created_at"], rows[-1]["case_id"])
    return rows, next_cursor


def count_cases(conn: Connection[DictRow], tenant_id: str, case_filter: CaseFilter) -> int:
    """How many of the tenant's cases match the filter."""
    clauses, params = _where(tenant_id, case_filter)
    row = conn.execute(
        "SELECT count(*) AS n FROM cases c WHERE " + " AND ".join(clauses), params
    ).fetchone()
    return int(row["n"]) if row else 0
