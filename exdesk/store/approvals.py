"""Approval rows: requested by the workflow, decided by people, each decided once."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from psycopg import Connection
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb

from exdesk.domain import (
    Approval,
    ApprovalDecision,
    ApprovalKind,
    ApprovalStatus,
    DecisionVia,
    Role,
)
from exdesk.store.commitments import APPROVAL_COLUMNS, row_digest

_COLUMNS = (
    "approval_id, tenant_id, case_id, kind, required_role, status, proposal, reason,"
    " allowed_decisions, excluded_users, requested_at, decided_at, decided_by, decided_via,"
    " decided_via_key, decision, comment, edited_proposal"
)


_ASKED = ", ".join(APPROVAL_COLUMNS)
"""The columns an approval's digest covers: what it asks, fixed when it is opened."""

_OPEN = (
    f"INSERT INTO approvals ({_ASKED})"
    f" VALUES ({', '.join(f'%({column})s' for column in APPROVAL_COLUMNS)})"
)
"""Opens an approval from a row of :data:`_ASKED` (the rest take their defaults)."""


def _approval(row: dict[str, Any]) -> Approval:
    return Approval.model_validate(row)


@dataclass(frozen=True)
class OpenedApproval:
    """An approval a step opened (or had opened before a crash) and the digest of what it
    asks, as stored — what the step's record commits to."""

    approval_id: str
    digest: str


def request_approval(
    conn: Connection[DictRow],
    *,
    tenant_id: str,
    case_id: str,
    step_key: str,
    kind: ApprovalKind,
    required_role: Role,
    proposal: dict[str, Any],
    reason: str,
    allowed_decisions: Sequence[ApprovalDecision] = ("approve", "reject", "edit"),
    excluded_users: Sequence[str] = (),
    fresh: bool = False,
) -> OpenedApproval:
    """Open a pending approval, once per (case, step): a re-run returns the same one.
    Its ``requested_at`` is this process's clock, as a decision record's ``at`` is.

    ``fresh``: the caller knows the step has not run — it holds the case's run lock at a
    known chain head, and a step's approval commits with its record — so no approval can
    exist. The row is then sent as written, its digest taken from what was sent, and
    nothing is read back: in a pipeline it costs no round trip of its own. Should one
    exist after all, the insert fails and takes the caller's transaction with it.
    """
    row: dict[str, Any] = {
        "approval_id": f"apr_{uuid.uuid4().hex[:20]}",
        "tenant_id": tenant_id,
        "case_id": case_id,
        "step_key": step_key,
        "kind": kind,
        "required_role": required_role,
        "proposal": proposal,
        "reason": reason,
        "allowed_decisions": list(allowed_decisions),
        "excluded_users": list(excluded_users),
        "requested_at": datetime.now(UTC),
    }
    values = {**row, "proposal": Jsonb(proposal)}
    if fresh:
        conn.execute(_OPEN, values)
        return OpenedApproval(row["approval_id"], row_digest(row, APPROVAL_COLUMNS))
    stored = conn.execute(
        f"{_OPEN} ON CONFLICT (case_id, step_key) DO NOTHING RETURNING {_ASKED}", values
    ).fetchone()
    if stored is None:  # opened by an earlier run of the step
        stored = conn.execute(
            f"SELECT {_ASKED} FROM approvals WHERE case_id=%s AND step_key=%s",
            (case_id, step_key),
        ).fetchone()
    assert stored is not None
    return OpenedApproval(stored["approval_id"], row_digest(stored, APPROVAL_COLUMNS))


def get_approval(conn: Connection[DictRow], tenant_id: str, approval_id: str) -> Approval | None:
    """One approval of this tenant."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM approvals WHERE tenant_id=%s AND approval_id=%s",
        (tenant_id, approval_id),
    ).fetchone()
    return None if row is None else _approval(row)


def approvals_of_cases(
    conn: Connection[DictRow], tenant_id: str, case_ids: Sequence[str]
) -> dict[str, list[Approval]]:
    """Every approval of each case, oldest first, in one query; a case without any is absent."""
    rows = conn.execute(
        f"SELECT {_COLUMNS} FROM approvals WHERE tenant_id=%s AND case_id = ANY(%s)"
        " ORDER BY requested_at, approval_id",
        (tenant_id, list(case_ids)),
    ).fetchall()
    by_case: dict[str, list[Approval]] = {}
    for row in rows:
        by_case.setdefault(row["case_id"], []).append(_approval(row))
    return by_case


def pending_approval(conn: Connection[DictRow], tenant_id: str, case_id: str) -> Approval | None:
    """The case's pending approval, if it waits for one."""
    row = conn.execute(
        f"SELECT {_COLUMNS} FROM approvals WHERE tenant_id=%s AND case_id=%s"
        " AND status='pending' ORDER BY requested_at DESC LIMIT 1",
        (tenant_id, case_id),
    ).fetchone()
    return None if row is None else _approval(row)


def record_decision(
    conn: Connection[DictRow],
    tenant_id: str,
    approval_id: str,
    *,
    status: ApprovalStatus,
    decision: ApprovalDecision,
    user: str,
    comment: str | None,
    edited_proposal: dict[str, Any] | None,
    via: DecisionVia | None = None,
    via_key: str | None = None,
) -> Approval | None:
    """Decide a pending approval; None when it was no longer pending (someone was first)."""
    row = conn.execute(
        "UPDATE approvals SET status=%s, decision=%s, decided_by=%s, decided_at=now(),"
        " comment=%s, edited_proposal=%s, decided_via=%s, decided_via_key=%s"
        " WHERE tenant_id=%s AND approval_id=%s AND status='pending'"
        f" RETURNING {_COLUMNS}",
        (
            status,
            decision,
            user,
            comment,
            Jsonb(edited_proposal) if edited_proposal is not None else None,
            via,
            via_key,
            tenant_id,
            approval_id,
        ),
    ).fetchone()
    return None if row is None else _approval(row)
