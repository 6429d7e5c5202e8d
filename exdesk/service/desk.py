"""The application: what the API and the CLI both call. One way to do each thing."""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from pydantic import ValidationError

from exdesk.agents.registry import AgentSet, build_agents
from exdesk.domain import (
    FINAL_STATUSES,
    Approval,
    ApprovalDecision,
    Case,
    EscalateStep,
    ExceptionEvent,
    IntakeStep,
    NetworkSnapshot,
    Role,
)
from exdesk.errors import ConflictError, InputError, NotFoundError
from exdesk.policies.approvals import DECISION_STATUS, check_may_decide
from exdesk.policies.config import PolicyConfig, load_policy_config
from exdesk.service.precedents import build_precedent_index
from exdesk.settings import Settings
from exdesk.store import approvals as approval_store
from exdesk.store.api_keys import Principal, create_key
from exdesk.store.audit import AuditReport, verify_tenant
from exdesk.store.audit_log import DatabaseLog
from exdesk.store.case_view import load_case
from exdesk.store.cases import (
    CaseFilter,
    CaseRef,
    CaseUpdate,
    count_cases,
    get_case_row,
    insert_case,
    list_case_rows,
)
from exdesk.store.checkpoint import LedgerCheckpoint, check_checkpoint, sign_checkpoint
from exdesk.store.database import Database, resolve_database_urls
from exdesk.store.decision_log import StepEntry, anchor_case, append_record, digest
from exdesk.store.export import ExportSummary, export_tenant
from exdesk.store.locks import case_lock
from exdesk.store.migrate import migrate_database
from exdesk.store.network import NetworkReader, replace_network
from exdesk.store.signing import LogSigner, load_signing_key
from exdesk.telemetry import configure_telemetry
from exdesk.tools.precedents import PRECEDENT_STATUSES, Precedent, PrecedentIndex
from exdesk.workflows.deps import WorkflowDeps
from exdesk.workflows.runner import INTAKE_SEQ, CaseRunner, RunResult
from exdesk.workflows.stages import APPROVAL_EDITS

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CasePage:
    """One page of a case listing."""

    cases: list[Case]
    total: int
    next_cursor: str | None


ProgressCallback = Callable[[int, int], None]


class ExceptionDesk:
    """Settings, database, agents, policies and the workflow runner, opened once."""

    def __init__(self, settings: Settings, db: Database, agents: AgentSet, policy: PolicyConfig):
        self.settings = settings
        self.db = db
        self.policy = policy
        self._precedents: PrecedentIndex | None = None
        self._precedents_lock = threading.Lock()
        self.runner = CaseRunner(
            WorkflowDeps(db=db, agents=agents, policy=policy, precedents=lambda: self.precedents)
        )

    @classmethod
    def open(cls, settings: Settings, *, agents: AgentSet | None = None) -> ExceptionDesk:
        """Start (or reach) the database, migrate it, and build the agents and policies.

        Any misconfiguration raises ConfigurationError with one clear line.
        """
        policy = load_policy_config(settings.policy_file)
        configure_telemetry(settings)
        urls = resolve_database_urls(
            settings.database_url, settings.migration_database_url, settings.data_dir
        )
        db = Database(
            urls.application,
            max_size=max(settings.pool_size, 3 * settings.workers + 2),
            signer=LogSigner(load_signing_key(settings)),
        ).open()
        try:
            migrate_database(urls)
            return cls(settings, db, agents or build_agents(settings), policy)
        except BaseException:
            db.close()
            raise

    def close(self) -> None:
        """Close the database pool."""
        self.db.close()

    def __enter__(self) -> ExceptionDesk:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- network ----------------------------------------------------------------------------

    def load_network(self, tenant_id: str, snapshot: NetworkSnapshot) -> dict[str, int]:
        """Replace the tenant's reference data (all or nothing)."""
        _check_snapshot_tenant(tenant_id, snapshot)
        with self.db.connection() as conn:
            return replace_network(conn, tenant_id, snapshot)

    def network_counts(self, tenant_id: str) -> dict[str, int]:
        """How many objects of each kind the tenant's network holds."""
        with self.db.connection() as conn:
            return NetworkReader(conn, tenant_id).counts()

    # --- intake -----------------------------------------------------------------------------

    def submit(
        self, tenant_id: str, event: ExceptionEvent, *, initiated_by: str | None = None
    ) -> CaseRef:
        """Create the case for an event (or find the existing one) and its intake record."""
        with self.db.transaction() as conn:
            ref = insert_case(conn, tenant_id, event, initiated_by)
            if ref.created:
                entry = StepEntry(
                    actor="system",
                    inputs_digest=digest(event.model_dump(mode="json")),
                    output=IntakeStep(
                        source=event.source,
                        source_event_id=event.source_event_id,
                        initiated_by=initiated_by,
                    ),
                )
                record, _ = append_record(
                    conn, tenant_id, ref.case_id, f"{INTAKE_SEQ:04d}:intake", entry
                )
                anchor_case(conn, record, "created")
        return ref

    def advance(self, tenant_id: str, case_id: str) -> RunResult:
        """Run the case to its next stop."""
        result = self.runner.advance(tenant_id, case_id)
        self._record_precedent(tenant_id, result)
        return result

    # --- precedents -------------------------------------------------------------------------

    @property
    def precedents(self) -> PrecedentIndex:
        """The precedent index (its embedder is built, or loaded from cache, on first use)."""
        with self._precedents_lock:
            if self._precedents is None:
                self._precedents = build_precedent_index(self.settings, self.db)
            return self._precedents

    def use_precedents(self, index: PrecedentIndex) -> None:
        """Index and search precedents with ``index`` (another embedder or settings)."""
        with self._precedents_lock:
            self._precedents = index

    def _record_precedent(self, tenant_id: str, result: RunResult) -> None:
        """Index a case that just closed; a failure here never fails the case (backfill)."""
        if not result.advanced or result.status not in PRECEDENT_STATUSES:
            return
        try:
            self.precedents.index_final_case(tenant_id, result.case_id)
        except Exception:  # the case is closed and recorded; its precedent can be re-indexed
            logger.exception("could not index case %s as a precedent", result.case_id)

    def similar_cases(self, tenant_id: str, case_id: str, k: int = 5) -> list[Precedent]:
        """The ``k`` closed cases of the tenant most like this one."""
        return self.precedents.similar(tenant_id, self.case(tenant_id, case_id), k)

    def ingest(
        self,
        tenant_id: str,
        events: Sequence[ExceptionEvent],
        *,
        initiated_by: str | None = None,
        progress: ProgressCallback | None = None,
    ) -> list[CaseRef]:
        """Create the cases of many events, then run each to its first stop in parallel.

        Existing cases are advanced too, so re-running an interrupted ingest finishes it.
        Nothing is created unless every event belongs to the tenant.
        """
        for index, event in enumerate(events):
            if event.tenant_id is not None and event.tenant_id != tenant_id:
                raise InputError(
                    f"event {index}: tenant_id {event.tenant_id!r} is not the caller's tenant",
                    location=f"[{index}].tenant_id",
                )
        refs = [self.submit(tenant_id, event, initiated_by=initiated_by) for event in events]
        unique = list({ref.case_id: ref for ref in refs}.values())
        done = 0
        with ThreadPoolExecutor(max_workers=self.settings.workers) as pool:
            futures = [pool.submit(self.advance, tenant_id, ref.case_id) for ref in unique]
            for future in as_completed(futures):
                future.result()
                done += 1
                if progress is not None:
                    progress(done, len(unique))
        return refs

    def tenants_with_unfinished_cases(self) -> list[str]:
        """Every tenant that has a case not yet in a final state."""
        with self.db.connection() as conn:
            rows = conn.execute(
                "SELECT DISTINCT tenant_id FROM cases WHERE status <> ALL(%s) ORDER BY tenant_id",
                (sorted(FINAL_STATUSES),),
            ).fetchall()
        return [row["tenant_id"] for row in rows]

    def resume_all(self, tenant_id: str, progress: ProgressCallback | None = None) -> int:
        """Advance every unfinished case: runs cut short by a crash, decisions stored but not
        yet acted on. Cases waiting for a person stay as they are. Returns how many moved."""
        with self.db.connection() as conn:
            rows = conn.execute(
                "SELECT case_id FROM cases WHERE tenant_id=%s AND status <> ALL(%s)"
                " ORDER BY created_at",
                (tenant_id, sorted(FINAL_STATUSES)),
            ).fetchall()
        moved = 0
        with ThreadPoolExecutor(max_workers=self.settings.workers) as pool:
            futures = [pool.submit(self.advance, tenant_id, row["case_id"]) for row in rows]
            for done, future in enumerate(as_completed(futures), start=1):
                moved += future.result().advanced
                if progress is not None:
                    progress(done, len(futures))
        return moved

    def escalate_overdue(self, tenant_id: str, now: datetime | None = None) -> list[str]:
        """Escalate cases whose pending approval has waited longer than the policy's SLA.

        Each escalation is a decision record (``system``) anchored in the ledger; the
        approval stays pending and can still be decided. Returns the escalated case ids.
        """
        moment = now or datetime.now(UTC)
        cutoff = moment - timedelta(hours=self.policy.escalation.approval_sla_hours)
        with self.db.connection() as conn:
            rows = conn.execute(
                "SELECT DISTINCT a.case_id FROM approvals a JOIN cases c USING (case_id)"
                " WHERE a.tenant_id=%s AND a.status='pending' AND a.requested_at < %s"
                " AND c.status='awaiting_approval' ORDER BY a.case_id",
                (tenant_id, cutoff),
            ).fetchall()
        escalated = []
        for row in rows:
            with case_lock(self.db, row["case_id"]), self.db.transaction() as conn:
                approval = approval_store.pending_approval(conn, tenant_id, row["case_id"])
                case_row = get_case_row(conn, tenant_id, row["case_id"])
                if (
                    approval is None
                    or case_row is None
                    or case_row["status"] != "awaiting_approval"
                ):
                    continue  # decided meanwhile
                waited = (moment - approval.requested_at).total_seconds() / 3600
                entry = StepEntry(
                    actor="system",
                    inputs_digest=digest({"approval_id": approval.approval_id}),
                    output=EscalateStep(
                        approval_id=approval.approval_id,
                        required_role=approval.required_role,
                        waited_hours=round(waited, 1),
                        sla_hours=self.policy.escalation.approval_sla_hours,
                    ),
                )
                key = f"escalate:{approval.approval_id}"
                record, created = append_record(
                    conn, tenant_id, row["case_id"], key, entry, CaseUpdate(status="escalated")
                )
                if created:
                    anchor_case(conn, record, "escalated")
                    escalated.append(row["case_id"])
        return escalated

    # --- reading ----------------------------------------------------------------------------

    def case(self, tenant_id: str, case_id: str) -> Case:
        """One case of this tenant (CONTRACT §6), or NotFoundError."""
        with self.db.connection() as conn:
            case = load_case(conn, tenant_id, case_id)
        if case is None:
            raise NotFoundError(f"case {case_id} not found")
        return case

    def cases(
        self,
        tenant_id: str,
        case_filter: CaseFilter,
        *,
        limit: int = 50,
        cursor: str | None = None,
        with_decisions: bool = False,
    ) -> CasePage:
        """A page of the tenant's cases, newest first."""
        with self.db.connection() as conn:
            rows, next_cursor = list_case_rows(
                conn, tenant_id, case_filter, limit=limit, cursor=cursor
            )
            total = count_cases(conn, tenant_id, case_filter)
            cases = [
                case
                for row in rows
                if (case := load_case(conn, tenant_id, row["case_id"], with_decisions)) is not None
            ]
        return CasePage(cases, total, next_cursor)

    # --- decisions --------------------------------------------------------------------------

    def pending_approval(self, tenant_id: str, case_id: str) -> Approval:
        """The approval a case waits for; NotFoundError or ConflictError otherwise."""
        with self.db.connection() as conn:
            if get_case_row(conn, tenant_id, case_id) is None:
                raise NotFoundError(f"case {case_id} not found")
            approval = approval_store.pending_approval(conn, tenant_id, case_id)
        if approval is None:
            raise ConflictError(f"case {case_id} is not waiting for an approval")
        return approval

    def decide(
        self,
        principal: Principal,
        approval_id: str,
        decision: ApprovalDecision,
        *,
        comment: str | None = None,
        edited_proposal: dict[str, Any] | None = None,
    ) -> Case:
        """Record a person's decision on a pending approval and run the case on.

        Of two decisions on one approval, exactly one takes effect; the other gets
        ConflictError. Whoever initiated or edited the proposal may not approve it.
        """
        tenant_id = principal.tenant_id
        with self.db.connection() as conn:
            approval = approval_store.get_approval(conn, tenant_id, approval_id)
        if approval is None:
            raise NotFoundError(f"approval {approval_id} not found")
        check_may_decide(principal.user, principal.roles, approval, decision)
        edited = _validated_edit(approval, decision, edited_proposal)
        with case_lock(self.db, approval.case_id):
            with self.db.connection() as conn:
                stored = approval_store.record_decision(
                    conn,
                    tenant_id,
                    approval_id,
                    status=DECISION_STATUS[decision],
                    decision=decision,
                    user=principal.user,
                    comment=comment,
                    edited_proposal=edited,
                )
            if stored is None:
                current = self._approval(tenant_id, approval_id)
                raise ConflictError(
                    f"approval {approval_id} was already decided ({current.status} by "
                    f"{current.decided_by})"
                )
            result = self.runner.advance_locked(tenant_id, approval.case_id)
        self._record_precedent(tenant_id, result)
        return self.case(tenant_id, approval.case_id)

    def _approval(self, tenant_id: str, approval_id: str) -> Approval:
        with self.db.connection() as conn:
            approval = approval_store.get_approval(conn, tenant_id, approval_id)
        if approval is None:
            raise NotFoundError(f"approval {approval_id} not found")
        return approval

    # --- audit and keys ---------------------------------------------------------------------

    def verify(self, tenant_id: str, checkpoint: LedgerCheckpoint | None = None) -> AuditReport:
        """Verify every case chain, the ledger and the rows they cover, for a tenant; and,
        given an earlier checkpoint, that the ledger still holds what it signed."""
        trusted = self._signer().public_key
        with self.db.connection() as conn:
            report = verify_tenant(conn, tenant_id, trusted)
            if checkpoint is not None:
                ledger = DatabaseLog(conn, tenant_id).ledger()
                report.problems.extend(check_checkpoint(checkpoint, tenant_id, ledger, trusted))
        return report

    def checkpoint(self, tenant_id: str) -> LedgerCheckpoint:
        """The tenant ledger's head, signed with the desk's key (to keep outside the database)."""
        key = self._signer().key
        with self.db.connection() as conn:
            ledger = DatabaseLog(conn, tenant_id).ledger()
        return sign_checkpoint(key, tenant_id, ledger)

    def export_audit(self, tenant_id: str, folder: Path) -> ExportSummary:
        """Write the tenant's log to ``folder`` as JSON Lines, to verify without a database."""
        with self.db.connection() as conn:
            return export_tenant(conn, tenant_id, folder, self._signer().public_key)

    def _signer(self) -> LogSigner:
        return self.db.signer or LogSigner(load_signing_key(self.settings))

    def create_api_key(self, tenant_id: str, user: str, roles: Sequence[Role]) -> tuple[str, str]:
        """A new API key (key id, full key); the full key is shown once."""
        with self.db.connection() as conn:
            return create_key(conn, tenant_id=tenant_id, user=user, roles=roles)


def _check_snapshot_tenant(tenant_id: str, snapshot: NetworkSnapshot) -> None:
    for collection in NetworkSnapshot.model_fields:
        for index, item in enumerate(getattr(snapshot, collection)):
            if item.tenant_id is not None and item.tenant_id != tenant_id:
                raise InputError(
                    f"{collection}[{index}].tenant_id {item.tenant_id!r} is not the caller's "
                    "tenant",
                    location=f"{collection}[{index}].tenant_id",
                )


def _validated_edit(
    approval: Approval, decision: ApprovalDecision, edited: dict[str, Any] | None
) -> dict[str, Any] | None:
    if decision != "edit":
        if edited is not None:
            raise InputError("an edited proposal goes with the decision edit", location="edited")
        return None
    if edited is None:
        raise InputError("the decision edit needs an edited proposal", location="edited")
    model = APPROVAL_EDITS[approval.kind]
    try:
        return model.model_validate(edited).model_dump(mode="json")
    except ValidationError as error:
        first = error.errors()[0]
        where = ".".join(str(part) for part in first["loc"])
        raise InputError(
            f"edited {approval.kind} is invalid at {where}: {first['msg']}",
            location=f"edited.{where}",
        ) from error
