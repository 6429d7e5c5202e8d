"""The outbox: writes the execute step committed to, each recorded exactly once, and the
state of their delivery."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from psycopg import Connection
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb

from exdesk.domain import DeliveryResponse, DeliveryStatus, OutboxMessage

_COLUMNS = (
    "outbox_id, case_id, kind, payload, status, created_at, attempts, next_attempt_at,"
    " last_error, response, sent_at"
)


def enqueue(
    conn: Connection[DictRow],
    *,
    tenant_id: str,
    case_id: str,
    kind: str,
    dedupe_key: str,
    payload: dict[str, Any],
) -> OutboxMessage:
    """Add a message unless one with the same (case, dedupe_key) exists; return the stored one."""
    conn.execute(
        "INSERT INTO outbox (outbox_id, tenant_id, case_id, kind, dedupe_key, payload)"
        " VALUES (%s, %s, %s, %s, %s, %s) ON CONFLICT (case_id, dedupe_key) DO NOTHING",
        (f"obx_{uuid.uuid4().hex[:20]}", tenant_id, case_id, kind, dedupe_key, Jsonb(payload)),
    )
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM outbox WHERE case_id=%s AND dedupe_key=%s",
        (case_id, dedupe_key),
    ).fetchone()
    assert row is not None
    return OutboxMessage.model_validate(row)


def outbox_of_cases(
    conn: Connection[DictRow], tenant_id: str, case_ids: Sequence[str]
) -> dict[str, list[OutboxMessage]]:
    """The messages each case committed to, oldest first, in one query; a case without any
    is absent."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM outbox WHERE tenant_id=%s AND case_id = ANY(%s)"
        " ORDER BY created_at, outbox_id",
        (tenant_id, list(case_ids)),
    ).fetchall()
    by_case: dict[str, list[OutboxMessage]] = {}
    for row in rows:
        by_case.setdefault(row["case_id"], []).append(OutboxMessage.model_validate(row))
    return by_case


@dataclass(frozen=True)
class Claimed:
    """A message claimed for one delivery attempt, and whose it is."""

    tenant_id: str
    message: OutboxMessage


def claim(conn: Connection[DictRow], outbox_id: str, lease_seconds: float) -> Claimed | None:
    """Take a message that is due (pending, or retrying and its time has come) for one
    attempt: its next try moves ``lease_seconds`` ahead, so no other worker takes it
    meanwhile, and an attempt a crash cut short is taken again once the lease runs out.
    None when it is sent, dead, not due, or unknown."""
    row = conn.execute(
        "UPDATE outbox SET next_attempt_at = now() + make_interval(secs => %s),"
        " updated_at = now()"
        " WHERE outbox_id = %s AND status IN ('pending', 'retrying')"
        " AND (next_attempt_at IS NULL OR next_attempt_at <= now())"
        f" RETURNING tenant_id, {_COLUMNS}",
        (lease_seconds, outbox_id),
    ).fetchone()
    if row is None:
        return None
    tenant_id = row.pop("tenant_id")
    return Claimed(tenant_id, OutboxMessage.model_validate(row))


def mark_sent(conn: Connection[DictRow], outbox_id: str, response: DeliveryResponse) -> None:
    """The receiver took the message."""
    conn.execute(
        "UPDATE outbox SET status = 'sent', attempts = attempts + 1, sent_at = now(),"
        " response = %s, last_error = NULL, next_attempt_at = NULL, updated_at = now()"
        " WHERE outbox_id = %s",
        (Jsonb(response.model_dump(mode="json")), outbox_id),
    )


def mark_retrying(
    conn: Connection[DictRow],
    outbox_id: str,
    error: str,
    response: DeliveryResponse | None,
    next_attempt_at: datetime,
) -> None:
    """The attempt failed and another one is due at ``next_attempt_at``."""
    conn.execute(
        "UPDATE outbox SET status = 'retrying', attempts = attempts + 1, last_error = %s,"
        " response = %s, next_attempt_at = %s, updated_at = now() WHERE outbox_id = %s",
        (error, _json(response), next_attempt_at, outbox_id),
    )


def mark_dead(
    conn: Connection[DictRow], outbox_id: str, error: str, response: DeliveryResponse | None
) -> None:
    """No more attempts: the message waits for a person to replay it."""
    conn.execute(
        "UPDATE outbox SET status = 'dead', attempts = attempts + 1, last_error = %s,"
        " response = %s, next_attempt_at = NULL, updated_at = now() WHERE outbox_id = %s",
        (error, _json(response), outbox_id),
    )


def mark_waiting(conn: Connection[DictRow], outbox_id: str, reason: str) -> None:
    """Nothing can deliver the message yet (no connector): it stays pending, not due."""
    conn.execute(
        "UPDATE outbox SET last_error = %s, next_attempt_at = NULL, updated_at = now()"
        " WHERE outbox_id = %s",
        (reason, outbox_id),
    )


def replay(conn: Connection[DictRow], tenant_id: str, outbox_id: str) -> OutboxMessage | None:
    """Make a dead message pending again, its attempts counted afresh; None when it is not
    this tenant's dead message."""
    row = conn.execute(
        "UPDATE outbox SET status = 'pending', attempts = 0, next_attempt_at = NULL,"
        " updated_at = now() WHERE tenant_id = %s AND outbox_id = %s AND status = 'dead'"
        f" RETURNING {_COLUMNS}",
        (tenant_id, outbox_id),
    ).fetchone()
    return None if row is None else OutboxMessage.model_validate(row)


def get_message(conn: Connection[DictRow], tenant_id: str, outbox_id: str) -> OutboxMessage | None:
    """One message of this tenant."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM outbox WHERE tenant_id = %s AND outbox_id = %s",
        (tenant_id, outbox_id),
    ).fetchone()
    return None if row is None else OutboxMessage.model_validate(row)


def list_messages(
    conn: Connection[DictRow], tenant_id: str, status: DeliveryStatus | None, limit: int
) -> list[OutboxMessage]:
    """The tenant's messages, newest first, optionally of one delivery status."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM outbox WHERE tenant_id = %s"
        " AND (%s::text IS NULL OR status = %s) ORDER BY created_at DESC, outbox_id LIMIT %s",
        (tenant_id, status, status, limit),
    ).fetchall()
    return [OutboxMessage.model_validate(row) for row in rows]


def due_message_ids(conn: Connection[DictRow], limit: int) -> list[str]:
    """Messages of every tenant a worker should attempt now (their job may have been lost):
    pending and never claimed, or whose retry or lease time has passed."""
    rows = conn.execute(
        "SELECT outbox_id FROM outbox"
        " WHERE (status IN ('pending', 'retrying') AND next_attempt_at <= now())"
        " OR (status = 'pending' AND next_attempt_at IS NULL AND last_error IS NULL)"
        " ORDER BY created_at LIMIT %s",
        (limit,),
    ).fetchall()
    return [row["outbox_id"] for row in rows]


def _json(response: DeliveryResponse | None) -> Jsonb | None:
    return None if response is None else Jsonb(response.model_dump(mode="json"))
