"""Assembling a case as the API returns it (CONTRACT §6) from its rows."""

from __future__ import annotations

from typing import Any

from psycopg import Connection
from psycopg.rows import DictRow

from exdesk.domain import Case
from exdesk.store.approvals import case_approvals
from exdesk.store.cases import get_case_row
from exdesk.store.decision_log import case_records
from exdesk.store.outbox import case_outbox


def case_from_row(
    conn: Connection[DictRow], row: dict[str, Any], *, with_decisions: bool = True
) -> Case:
    """A case with its approvals, actions and (optionally) its decision records."""
    tenant_id, case_id = row["tenant_id"], row["case_id"]
    return Case.model_validate(
        {
            "case_id": case_id,
            "tenant_id": tenant_id,
            "status": row["status"],
            "event": {**row["event"], "tenant_id": tenant_id},
            "classification": row["classification"],
            "route": row["route"],
            "extraction": row["extraction"],
            "extraction_error": row["extraction_error"],
            "recommendation": row["recommendation"],
            "draft": row["draft"],
            "policy_results": row["policy_results"],
            "approvals": case_approvals(conn, tenant_id, case_id),
            "decisions": case_records(conn, tenant_id, case_id) if with_decisions else [],
            "actions": case_outbox(conn, tenant_id, case_id),
            "failure_reason": row["failure_reason"],
            "created_at": row["created_at"],
            "updated_at": row["updated_at"],
        }
    )


def load_case(
    conn: Connection[DictRow], tenant_id: str, case_id: str, with_decisions: bool = True
) -> Case | None:
    """One case of this tenant, or None."""
    row = get_case_row(conn, tenant_id, case_id)
    return None if row is None else case_from_row(conn, row, with_decisions=with_decisions)
