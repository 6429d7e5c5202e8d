"""Assembling cases as the API returns them (CONTRACT §6) from their rows.

However many cases are assembled, their approvals, actions and decision records cost one
query each.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from psycopg import Connection
from psycopg.rows import DictRow

from exdesk.domain import Case
from exdesk.store.approvals import approvals_of_cases
from exdesk.store.cases import get_case_row
from exdesk.store.decision_log import case_notes_of_cases, records_of_cases
from exdesk.store.outbox import outbox_of_cases


def cases_from_rows(
    conn: Connection[DictRow],
    tenant_id: str,
    rows: Sequence[dict[str, Any]],
    *,
    with_decisions: bool = True,
) -> list[Case]:
    """The cases of ``rows`` (this tenant's case rows with their event), in the same order,
    with their approvals, actions and (optionally) their decision records."""
    if not rows:
        return []
    case_ids = [row["case_id"] for row in rows]
    approvals = approvals_of_cases(conn, tenant_id, case_ids)
    actions = outbox_of_cases(conn, tenant_id, case_ids)
    decisions = records_of_cases(conn, tenant_id, case_ids) if with_decisions else {}
    notes = case_notes_of_cases(conn, tenant_id, case_ids)
    return [
        Case.model_validate(
            {
                "case_id": row["case_id"],
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
                "approvals": approvals.get(row["case_id"], []),
                "decisions": decisions.get(row["case_id"], []),
                "actions": actions.get(row["case_id"], []),
                "failure_reason": row["failure_reason"],
                **notes.get(row["case_id"], {}),
                "created_at": row["created_at"],
                "updated_at": row["updated_at"],
            }
        )
        for row in rows
    ]


def load_case(
    conn: Connection[DictRow], tenant_id: str, case_id: str, with_decisions: bool = True
) -> Case | None:
    """One case of this tenant, or None."""
    row = get_case_row(conn, tenant_id, case_id)
    if row is None:
        return None
    return cases_from_rows(conn, tenant_id, [row], with_decisions=with_decisions)[0]
