"""The outbox: writes the execute step committed to, each recorded exactly once."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from typing import Any

from psycopg import Connection
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb

from exdesk.domain import OutboxMessage

_COLUMNS = "outbox_id, case_id, kind, payload, status, created_at"


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
