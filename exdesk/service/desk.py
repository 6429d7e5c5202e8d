"""The application: what the API, the CLI and the workers all call. One way to do each thing."""

from __future__ import annotations

import logging
import threading
import time
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor, as_completed
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

from exdesk.agents.registry import AgentSet, build_agents
from exdesk.delivery import Dispatcher, RetrySchedule
from exdesk.domain import (
    FINAL_STATUSES,
    WAITING_STATUSES,
    Approval,
    ApprovalDecision,
    Case,
    DeliveryStatus,
    ExceptionEvent,
    NetworkSnapshot,
    OutboxMessage,
    ReplayStep,
    Role,
)
from exdesk.errors import ConflictError, InputError, NetworkDeletionError, NotFoundError
from exdesk.policies.config import PolicyConfig, load_policy_config
from exdesk.service import decisions, escalation, intake, maintenance
from exdesk.service.jobs import JobQueue, deferring_app
from exdesk.service.precedents import build_precedent_index
from exdesk.settings import Settings
from exdesk.store import approvals as approval_store
from exdesk.store import outbox as outbox_store
from exdesk.store.api_keys import (
    ApiKeyInfo,
    Principal,
    create_key,
    list_keys,
    revoke_key,
    rotate_key,
)
from exdesk.store.audit import AuditReport, verify_tenant
from exdesk.store.audit_log import DatabaseLog
from exdesk.store.case_view import cases_from_rows, load_case
from exdesk.store.cases import CaseFilter, CaseRef, count_cases, get_case_row, list_case_rows
from exdesk.store.checkpoint import LedgerCheckpoint, check_checkpoint, sign_checkpoint
from exdesk.store.database import Database, resolve_database_urls
from exdesk.store.decision_log import StepEntry, append_record
from exdesk.store.export import ExportSummary, export_tenant
from exdesk.store.locks import case_lock
from exdesk.store.migrate import migrate_database
from exdesk.store.network import NetworkReader, deletions, replace_network
from exdesk.store.record_hashes import digest
from exdesk.store.signing import LogSigner, load_signing_key
from exdesk.telemetry import configure_telemetry
from exdesk.tools.precedents import PRECEDENT_STATUSES, Precedent, PrecedentIndex
from exdesk.workflows.deps import WorkflowDeps
from exdesk.workflows.runner import CaseRunner, RunResult

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class CasePage:
    """One page of a case listing."""

    cases: list[Case]
    total: int
    next_cursor: str | None


ProgressCallback = Callable[[int, int], None]

_WAIT_POLL_SECONDS = 0.05
"""How often a caller waiting for a worker looks at the case."""


class ExceptionDesk:
    """Settings, database, agents, policies, the workflow runner and the job queue."""

    def __init__(self, settings: Settings, db: Database, agents: AgentSet, policy: PolicyConfig):
        self.settings = settings
        self.db = db
        self.policy = policy
        self.jobs = JobQueue(deferring_app())
        self._precedents: PrecedentIndex | None = None
        self._precedents_lock = threading.Lock()
        self.runner = CaseRunner(
            WorkflowDeps(
                db=db,
                agents=agents,
                policy=policy,
                precedents=(lambda: self.precedents) if settings.precedents_in_evidence else None,
                deliver=self.jobs.defer_delivery,
            )
        )
        self.dispatcher = Dispatcher(
            db,
            RetrySchedule(
                max_attempts=settings.delivery_max_attempts,
                base_seconds=settings.delivery_backoff_seconds,
            ),
        )

    @property
    def concurrent_requests(self) -> int:
        """How many requests may use the database at once without waiting for a connection.

        Queued, a request holds one connection at a time, so as many as the pool has; run
        inline, a request runs a case, which holds its lock's connection while its steps
        take others.
        """
        size = self.db.pool.max_size
        return size if self.queued else max(1, size // 3)

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
            timeout=settings.pool_timeout_seconds,
            signer=LogSigner(load_signing_key(settings)),
        ).open()
        try:
            migrate_database(urls)
            agents = agents or build_agents(settings, threshold=policy.thresholds.for_category)
            return cls(settings, db, agents, policy)
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

    @property
    def queued(self) -> bool:
        """Whether workers run the cases (else the caller runs them in its process)."""
        return self.settings.run_cases == "queue"

    # --- network ----------------------------------------------------------------------------

    def load_network(
        self, tenant_id: str, snapshot: NetworkSnapshot, *, replace: bool = False
    ) -> dict[str, int]:
        """Load the tenant's reference data (all or nothing). A snapshot that would delete
        stored objects is refused with what it would delete (NetworkDeletionError, nothing
        changed) unless ``replace``: ``{}`` never wipes a network by accident."""
        _check_snapshot_tenant(tenant_id, snapshot)
        with self.db.transaction() as conn:
            if not replace and (lost := deletions(conn, tenant_id, snapshot)):
                raise NetworkDeletionError(lost)
            return replace_network(conn, tenant_id, snapshot)

    def network_counts(self, tenant_id: str) -> dict[str, int]:
        """How many objects of each kind the tenant's network holds."""
        with self.db.connection() as conn:
            return NetworkReader(conn, tenant_id).counts()

    # --- intake and runs --------------------------------------------------------------------

    def submit(
        self, tenant_id: str, event: ExceptionEvent, *, initiated_by: str | None = None
    ) -> CaseRef:
        """Create the case for an event (or find the existing one) and its intake record;
        in queue mode, with the job that will run it."""
        [ref] = self.accept(tenant_id, [event], initiated_by=initiated_by, run=False)
        return ref

    def accept(
        self,
        tenant_id: str,
        events: Sequence[ExceptionEvent],
        *,
        initiated_by: str | None = None,
        run: bool = True,
    ) -> list[CaseRef]:
        """Store the cases of a batch of events, all or nothing. In queue mode the workers
        run them; inline (and ``run``), they run here to their first stop."""
        refs = intake.accept_events(
            self.db,
            tenant_id,
            events,
            initiated_by=initiated_by,
            jobs=self.jobs if self.queued else None,
        )
        if run and not self.queued:
            self._run_all(tenant_id, [ref.case_id for ref in refs if ref.created])
        return refs

    def ingest(
        self,
        tenant_id: str,
        events: Sequence[ExceptionEvent],
        *,
        initiated_by: str | None = None,
        progress: ProgressCallback | None = None,
    ) -> list[CaseRef]:
        """Store the cases of many events, then run each to its first stop here, in
        parallel (a one-shot batch, with or without workers).

        Existing cases are advanced too, so re-running an interrupted ingest finishes it.
        Nothing is stored unless every event is the tenant's.
        """
        refs = intake.accept_events(
            self.db, tenant_id, events, initiated_by=initiated_by, jobs=None
        )
        self._run_all(tenant_id, list(dict.fromkeys(ref.case_id for ref in refs)), progress)
        return refs

    def _run_all(
        self, tenant_id: str, case_ids: Sequence[str], progress: ProgressCallback | None = None
    ) -> int:
        moved = 0
        for done, result in enumerate(self._advanced_each(tenant_id, case_ids), start=1):
            moved += result.advanced
            if progress is not None:
                progress(done, len(case_ids))
        return moved

    def _advanced_each(self, tenant_id: str, case_ids: Sequence[str]) -> Iterator[RunResult]:
        """Each case advanced, as it finishes: on ``workers`` threads, or with one worker
        in this thread (no hand-off between threads per case). Either way every case is
        run before the first error is raised."""
        if self.settings.workers == 1:
            failure: Exception | None = None
            for case_id in case_ids:
                try:
                    yield self.advance(tenant_id, case_id)
                except Exception as error:  # raised once the others have run, as below
                    failure = failure or error
            if failure is not None:
                raise failure
            return
        with ThreadPoolExecutor(max_workers=self.settings.workers) as pool:
            futures = [pool.submit(self.advance, tenant_id, case_id) for case_id in case_ids]
            for future in as_completed(futures):
                yield future.result()

    def advance(self, tenant_id: str, case_id: str) -> RunResult:
        """Run the case to its next stop (one run of a case at a time)."""
        result = self.runner.advance(tenant_id, case_id)
        self._record_precedent(tenant_id, result)
        return result

    def wait_for_stop(
        self, tenant_id: str, case_id: str, seconds: float, *, after_seq: int = 0
    ) -> bool:
        """Wait up to ``seconds`` for a worker to take the case to a stop (waiting for a
        person, or final) past record ``after_seq``; True when it got there."""
        deadline = time.monotonic() + seconds
        while True:
            with self.db.connection() as conn:
                row = conn.execute(
                    "SELECT status, last_seq FROM cases WHERE tenant_id=%s AND case_id=%s",
                    (tenant_id, case_id),
                ).fetchone()
            if row is None:
                raise NotFoundError(f"case {case_id} not found")
            stopped = row["status"] in FINAL_STATUSES or row["status"] in WAITING_STATUSES
            if stopped and row["last_seq"] > after_seq:
                return True
            if time.monotonic() >= deadline:
                return False
            time.sleep(_WAIT_POLL_SECONDS)

    def resume_interrupted(self) -> int:
        """Run here every case a crash cut short (inline mode's start-up); returns how many
        moved. In queue mode the workers' sweep does this."""
        with self.db.connection() as conn:
            moving = maintenance.cases_to_move(conn, stale_seconds=0, limit=1_000_000)
        by_tenant: dict[str, list[str]] = {}
        for tenant, case_id in moving:
            by_tenant.setdefault(tenant, []).append(case_id)
        return sum(self._run_all(tenant, ids) for tenant, ids in by_tenant.items())

    def tenants_with_unfinished_cases(self) -> list[str]:
        """Every tenant that has a case not yet in a final state."""
        with self.db.connection() as conn:
            rows = conn.execute(
                "SELECT DISTINCT tenant_id FROM cases WHERE status <> ALL(%s) ORDER BY tenant_id",
                (sorted(FINAL_STATUSES),),
            ).fetchall()
        return [row["tenant_id"] for row in rows]

    def resume_all(self, tenant_id: str, progress: ProgressCallback | None = None) -> int:
        """Advance every unfinished case here: runs cut short by a crash, decisions stored
        but not yet acted on. Cases waiting for a person stay as they are. Returns how many
        moved."""
        with self.db.connection() as conn:
            rows = conn.execute(
                "SELECT case_id FROM cases WHERE tenant_id=%s AND status <> ALL(%s)"
                " ORDER BY created_at",
                (tenant_id, sorted(FINAL_STATUSES)),
            ).fetchall()
        return self._run_all(tenant_id, [row["case_id"] for row in rows], progress)

    # --- timers and housekeeping (the workers' periodic jobs) --------------------------------

    def escalate_overdue(self, tenant_id: str, now: datetime | None = None) -> list[str]:
        """Escalate the tenant's cases whose approval waited past the policy's SLA."""
        return escalation.escalate_overdue(self.db, self.policy, tenant_id, now)

    def tenants_with_pending_approvals(self) -> list[str]:
        """Every tenant with an approval still pending."""
        return escalation.tenants_with_pending_approvals(self.db)

    def sweep(self) -> maintenance.SweepReport:
        """Put back in the queue whatever a crash or a lost job left behind."""
        return maintenance.sweep(self.db, self.jobs, self.settings.worker_stalled_seconds * 2)

    def retain_checkpoints(self) -> int:
        """Drop the checkpoints of cases closed past the retention period."""
        return maintenance.retain_checkpoints(self.db, self.settings.checkpoint_retention_days)

    # --- precedents -------------------------------------------------------------------------

    @property
    def precedents(self) -> PrecedentIndex:
        """The precedent index (its embedder is built, or loaded from cache, on first use)."""
        with self._precedents_lock:
            if self._precedents is None:
                self._precedents = build_precedent_index(self.settings, self.db)
            return self._precedents

    def warm_up(self) -> None:
        """Build now what a worker's first jobs would otherwise build while a case waits:
        the precedent index's embedder (the local one is fitted once per data directory,
        seconds, and loaded from there after) and its HNSW index."""
        index = self.precedents
        with self.db.connection() as conn:
            index.ensure_index(conn)

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
            cases = cases_from_rows(conn, tenant_id, rows, with_decisions=with_decisions)
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
        case_id: str | None = None,
        action: str | None = None,
    ) -> Case:
        """Record a person's decision on a pending approval and have the case run on: here
        (inline) or by a worker (queue), the job deferred with the decision.

        Of two decisions on one approval, exactly one takes effect; the other gets
        ConflictError. Whoever initiated or edited the proposal may not approve it. With
        ``case_id``, the approval must be that case's (NotFoundError otherwise). With
        ``action``, the approver approves that action instead of the proposed one (credit:
        ``release_hold``, ``keep_hold``, ``cancel_order``).
        """
        tenant_id = principal.tenant_id
        with self.db.connection() as conn:
            approval = decisions.approval_to_decide(conn, principal, approval_id, decision, case_id)
        edited = decisions.validated_edit(approval, decision, edited_proposal)
        chosen = decisions.chosen_action(approval, decision, action)
        if chosen is not None:
            if edited_proposal is not None:
                raise InputError(
                    "choose an action or edit the proposal, not both", location="action"
                )
            edited = chosen
        if self.queued:
            with self.db.transaction() as conn:
                decisions.store_decision(
                    conn, principal, approval, decision, comment=comment, edited=edited
                )
                self.jobs.defer_advance(conn, tenant_id, approval.case_id)
            return self.case(tenant_id, approval.case_id)
        with case_lock(self.db, approval.case_id):
            with self.db.connection() as conn:
                decisions.store_decision(
                    conn, principal, approval, decision, comment=comment, edited=edited
                )
            result = self.runner.advance_locked(tenant_id, approval.case_id)
        self._record_precedent(tenant_id, result)
        return self.case(tenant_id, approval.case_id)

    # --- delivery ---------------------------------------------------------------------------

    def deliver(self, outbox_id: str) -> None:
        """One delivery attempt at a message; a failure worth retrying is deferred again
        for its next attempt."""
        result = self.dispatcher.deliver(outbox_id)
        if result.outcome == "retrying":
            with self.db.transaction() as conn:
                self.jobs.defer_delivery(conn, outbox_id, result.next_attempt_at)

    def outbox(
        self, tenant_id: str, status: DeliveryStatus | None = None, limit: int = 100
    ) -> list[OutboxMessage]:
        """The tenant's outbox messages, newest first (``dead`` ones wait for a replay)."""
        with self.db.connection() as conn:
            return outbox_store.list_messages(conn, tenant_id, status, limit)

    def replay(self, tenant_id: str, outbox_id: str, user: str) -> OutboxMessage:
        """Send a dead message back for delivery, recorded in its case's chain."""
        with self.db.transaction() as conn:
            message = outbox_store.replay(conn, tenant_id, outbox_id)
            if message is None:
                current = outbox_store.get_message(conn, tenant_id, outbox_id)
                if current is None:
                    raise NotFoundError(f"outbox message {outbox_id} not found")
                raise ConflictError(
                    f"outbox message {outbox_id} is {current.status}: only dead messages replay"
                )
            append_record(
                conn,
                tenant_id,
                message.case_id,
                f"replay:{outbox_id}:{uuid.uuid4().hex[:12]}",
                StepEntry(
                    actor=f"human:{user}",
                    inputs_digest=digest({"outbox_id": outbox_id}),
                    output=ReplayStep(outbox_id=outbox_id, user=user),
                ),
                anchor="replayed",
            )
            self.jobs.defer_delivery(conn, outbox_id)
        return message

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

    def create_api_key(
        self,
        tenant_id: str,
        user: str,
        roles: Sequence[Role],
        expires_in_days: float | None = None,
    ) -> tuple[str, str]:
        """A new API key (key id, full key); the full key is shown once."""
        with self.db.connection() as conn:
            return create_key(
                conn, tenant_id=tenant_id, user=user, roles=roles, expires_in_days=expires_in_days
            )

    def api_keys(self, tenant_id: str) -> list[ApiKeyInfo]:
        """The tenant's API keys (never their secrets)."""
        with self.db.connection() as conn:
            return list_keys(conn, tenant_id)

    def revoke_api_key(self, tenant_id: str, key_id: str) -> None:
        """Revoke a key now (its next request is refused); NotFoundError without it."""
        with self.db.transaction() as conn:
            if not revoke_key(conn, tenant_id, key_id):
                raise NotFoundError(f"no active API key {key_id} in tenant {tenant_id}")

    def rotate_api_key(
        self, tenant_id: str, key_id: str, expires_in_days: float | None = None
    ) -> tuple[str, str]:
        """A new key (key id, full key) for the same user and roles; the old one is revoked
        in the same transaction. NotFoundError without an active key of that id."""
        with self.db.transaction() as conn:
            rotated = rotate_key(conn, tenant_id, key_id, expires_in_days)
        if rotated is None:
            raise NotFoundError(f"no active API key {key_id} in tenant {tenant_id}")
        return rotated


def _check_snapshot_tenant(tenant_id: str, snapshot: NetworkSnapshot) -> None:
    for collection in NetworkSnapshot.model_fields:
        for index, item in enumerate(getattr(snapshot, collection)):
            if item.tenant_id is not None and item.tenant_id != tenant_id:
                raise InputError(
                    f"{collection}[{index}].tenant_id {item.tenant_id!r} is not the caller's "
                    "tenant",
                    location=f"{collection}[{index}].tenant_id",
                )
