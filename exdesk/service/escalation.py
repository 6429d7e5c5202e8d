"""The escalation timer: an approval pending past the policy's SLA escalates its case."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from exdesk.domain import EscalateStep
from exdesk.policies.config import PolicyConfig
from exdesk.store import approvals as approval_store
from exdesk.store.cases import CaseUpdate, get_case_row
from exdesk.store.database import Database
from exdesk.store.decision_log import StepEntry, append_record
from exdesk.store.locks import case_lock
from exdesk.store.record_hashes import digest


def escalate_overdue(
    db: Database, policy: PolicyConfig, tenant_id: str, now: datetime | None = None
) -> list[str]:
    """Escalate the tenant's cases whose pending approval waited longer than the SLA.

    Each escalation is a decision record (``system``) anchored in the ledger; the approval
    stays pending and can still be decided. Returns the escalated case ids.
    """
    moment = now or datetime.now(UTC)
    sla_hours = policy.escalation.approval_sla_hours
    cutoff = moment - timedelta(hours=sla_hours)
    with db.connection() as conn:
        rows = conn.execute(
            "SELECT DISTINCT a.case_id FROM approvals a JOIN cases c USING (case_id)"
            " WHERE a.tenant_id=%s AND a.status='pending' AND a.requested_at < %s"
            " AND c.status='awaiting_approval' ORDER BY a.case_id",
            (tenant_id, cutoff),
        ).fetchall()
    escalated = []
    for row in rows:
        case_id = row["case_id"]
        with case_lock(db, case_id), db.transaction() as conn:
            approval = approval_store.pending_approval(conn, tenant_id, case_id)
            case_row = get_case_row(conn, tenant_id, case_id)
            if approval is None or case_row is None or case_row["status"] != "awaiting_approval":
                continue  # decided meanwhile
            waited = (moment - approval.requested_at).total_seconds() / 3600
            entry = StepEntry(
                actor="system",
                inputs_digest=digest({"approval_id": approval.approval_id}),
                output=EscalateStep(
                    approval_id=approval.approval_id,
                    required_role=approval.required_role,
                    waited_hours=round(waited, 1),
                    sla_hours=sla_hours,
                ),
            )
            created = append_record(
                conn,
                tenant_id,
                case_id,
                f"escalate:{approval.approval_id}",
                entry,
                CaseUpdate(status="escalated"),
                anchor="escalated",
            ).written
            if created:
                escalated.append(case_id)
    return escalated


def tenants_with_pending_approvals(db: Database) -> list[str]:
    """Every tenant with an approval still pending (the timer's work list)."""
    with db.connection() as conn:
        rows = conn.execute(
            "SELECT DISTINCT tenant_id FROM approvals WHERE status = 'pending' ORDER BY 1"
        ).fetchall()
    return [row["tenant_id"] for row in rows]
