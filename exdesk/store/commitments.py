"""What a decision record commits to beside itself: digests of the rows its step wrote.

A step writes its record together with other rows — the event row at intake, the approval
a policy check opens, the outbox rows the execute step commits, the case row's projection.
Those rows are not append-only (an approval is decided later, an outbox row is delivered),
so the record keeps a digest of the part of each that must never change, read back from
the database as stored, in canonical JSON version 2. ``audit verify`` recomputes them.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any

from psycopg import Connection
from psycopg.rows import DictRow

from exdesk.store.canonical import canonical_json_v2

EVENT_COLUMNS = ("tenant_id", "case_id", "source", "source_event_id", "event", "initiated_by")
"""The event row as received (not its delivery count)."""

APPROVAL_COLUMNS = (
    "approval_id",
    "tenant_id",
    "case_id",
    "step_key",
    "kind",
    "required_role",
    "proposal",
    "reason",
    "allowed_decisions",
    "excluded_users",
    "requested_at",
)
"""What an approval asks and of whom, fixed when it is opened (not its decision)."""

OUTBOX_COLUMNS = ("outbox_id", "tenant_id", "case_id", "kind", "dedupe_key", "payload")
"""What the execute step committed to send (not its delivery state)."""

PROJECTION_COLUMNS = (
    "tenant_id",
    "status",
    "category",
    "route",
    "severity",
    "confidence",
    "classification",
    "extraction",
    "extraction_error",
    "recommendation",
    "draft",
    "policy_results",
    "failure_reason",
)
"""The case row's projection of its log (the chain head columns are checked directly)."""


def content_digest(value: Any) -> str:
    """SHA-256 (hex) of a value's canonical JSON, version 2."""
    return hashlib.sha256(canonical_json_v2(value).encode()).hexdigest()


def _timestamp(value: Any) -> Any:
    return value.astimezone(UTC).isoformat() if isinstance(value, datetime) else value


def row_digest(row: Mapping[str, Any], columns: tuple[str, ...]) -> str:
    """The digest of ``columns`` of a stored row (timestamps as ISO 8601 in UTC)."""
    return content_digest({column: _timestamp(row[column]) for column in columns})


def _one(conn: Connection[DictRow], sql: str, params: tuple[Any, ...]) -> dict[str, Any] | None:
    return conn.execute(sql, params).fetchone()


def event_digest(conn: Connection[DictRow], case_id: str) -> str | None:
    """The digest of a case's event row, or None when it has none."""
    row = _one(
        conn,
        f"SELECT {', '.join(EVENT_COLUMNS)} FROM exception_events WHERE case_id=%s",
        (case_id,),
    )
    return None if row is None else row_digest(row, EVENT_COLUMNS)


def approval_digest(conn: Connection[DictRow], case_id: str, approval_id: str) -> str | None:
    """The digest of what an approval of the case asks, or None when there is no such row."""
    row = _one(
        conn,
        f"SELECT {', '.join(APPROVAL_COLUMNS)} FROM approvals WHERE approval_id=%s AND case_id=%s",
        (approval_id, case_id),
    )
    return None if row is None else row_digest(row, APPROVAL_COLUMNS)


def outbox_digest(conn: Connection[DictRow], case_id: str, outbox_id: str) -> str | None:
    """The digest of what an outbox row of the case commits to send, or None."""
    row = _one(
        conn,
        f"SELECT {', '.join(OUTBOX_COLUMNS)} FROM outbox WHERE outbox_id=%s AND case_id=%s",
        (outbox_id, case_id),
    )
    return None if row is None else row_digest(row, OUTBOX_COLUMNS)
