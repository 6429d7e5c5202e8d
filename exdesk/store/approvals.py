"""Approval rows: requested by the workflow, decided by people, each decided once."""

from __future__ import annotations

import uuid
from collections.abc import Sequence
from dataclasses import dataclass
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
) -> OpenedApproval:
    """Open a pending approval, once per (case, step): a re-run returns the same one."""
    returning = ", ".join(APPROVAL_COLUMNS)
    row = conn.execute(
        "INSERT INTO approvals (approval_id, tenant_id, case_id, step_key, kind, required_role,"
        " proposal, reason, allowed_decisions, excluded_users)"
        " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s)"
        f" ON CONFLICT (case_id, step_key) DO NOTHING RETURNING {returning}",
        (
            f"apr_{uuid.uuid4().hex[:20]}",
            tenant_id,
            case_id,
            step_key,
            kind,
            required_role,
            Jsonb(proposal),
            reason,
            list(allowed_decisions),
            list(excluded_users),
        ),
    ).fetchone()
    if row is None:  # opened by an earlier run of the step
        row = conn.execute(
            f"SELECT {returning} FROM approvals WHERE case_id=%s AND step_key=%s",
            (case_id, step_key),
        ).fetchone()
    assert row is not None
    return OpenedApproval(row["approval_id"], row_digest(row, APPROVAL_COLUMNS))


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
