"""Advancing a case: start it, continue it after a crash, or resume it after a decision.

One run or resume of a case at a time (a per-case advisory lock), and every way in
converges on the same question — where does the case stand, and is there a stored decision
to resume with?

Durability comes from the decision log, not from LangGraph's checkpoints: each step's
record is committed before the next node starts, so LangGraph checkpoints a run only when
it stops (``durability="exit"``: at a gate, at the end, or when an error cuts it short)
rather than after every node. A run a crash cut short starts again from the last
checkpoint and finds every step it had recorded instead of doing it again; what the state
held between is rebuilt from those records.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass
from typing import Any

from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Command
from opentelemetry.trace import Status, StatusCode
from psycopg import Connection
from psycopg.rows import DictRow

from exdesk.domain import FINAL_STATUSES, WAITING_STATUSES, Approval, CaseStatus, FailStep
from exdesk.errors import NotFoundError
from exdesk.store import approvals as approval_store
from exdesk.store.cases import CaseUpdate, ChainHead, HeadMovedError, get_case_row
from exdesk.store.database import TRANSIENT_ERRORS
from exdesk.store.decision_log import StepEntry, append_record
from exdesk.store.locks import locked_case
from exdesk.store.record_hashes import digest
from exdesk.telemetry import masked_attributes, span_ids, tracer
from exdesk.workflows.checkpoints import FROM_START, RecordingSaver
from exdesk.workflows.deps import WorkflowDeps
from exdesk.workflows.graph import WORKFLOW_NAME, build_graph
from exdesk.workflows.state import CaseState, GateDecision, initial_state

logger = logging.getLogger(__name__)

INTAKE_SEQ = 1
"""Every case's first record is its intake, written when the case is created."""

_MAX_LEGS = 16
"""Runs per call at most: each leg ends at a wait, a final state or a stored decision."""

_NOTHING_TO_DO = object()


@dataclass(frozen=True)
class RunResult:
    """Where a case stands after a call to :meth:`CaseRunner.advance`."""

    case_id: str
    status: CaseStatus
    advanced: bool
    """False when there was nothing to do (waiting for a person, or already final)."""


def _existing(case_id: str, row: dict[str, Any] | None) -> dict[str, Any]:
    """The case's row; NotFoundError when there is none."""
    if row is None:
        raise NotFoundError(f"case {case_id} not found")
    return row


def gate_decision(approval: Approval) -> GateDecision:
    """The resume value for a decided approval row."""
    assert approval.decision is not None
    assert approval.decided_by is not None
    return GateDecision(
        approval_id=approval.approval_id,
        decision=approval.decision,
        user=approval.decided_by,
        comment=approval.comment,
        edited_proposal=approval.edited_proposal.model_dump(mode="json")
        if approval.edited_proposal is not None
        else None,
        via=approval.decided_via,
        via_key=approval.decided_via_key,
    )


class CaseRunner:
    """Runs cases through the workflow; safe to share between threads."""

    def __init__(self, deps: WorkflowDeps) -> None:
        self._deps = deps
        self._local = threading.local()

    def _graph(self) -> CompiledStateGraph[CaseState, None, CaseState, CaseState]:
        # PostgresSaver serialises its calls with a lock: one saver (and graph) per thread.
        graph = getattr(self._local, "graph", None)
        if graph is None:
            saver = RecordingSaver(self._deps.db, self._deps.recorder)
            graph = build_graph(self._deps, saver)
            self._local.graph = graph
        return graph

    def _saver(self) -> RecordingSaver:
        """This thread's checkpointer (the one its graph saves to)."""
        saver = self._graph().checkpointer
        assert isinstance(saver, RecordingSaver)
        return saver

    def advance(self, tenant_id: str, case_id: str) -> RunResult:
        """Take the case as far as it can go, holding its lock throughout."""
        with locked_case(self._deps.db, tenant_id, case_id) as locked:
            return self._advance(tenant_id, case_id, _existing(case_id, locked.row), locked.conn)

    def _case_row(self, tenant_id: str, case_id: str) -> dict[str, Any]:
        with self._deps.db.connection() as conn:
            return _existing(case_id, get_case_row(conn, tenant_id, case_id))

    def advance_locked(self, tenant_id: str, case_id: str) -> RunResult:
        """Like :meth:`advance`, for a caller that already holds the case's lock.

        Decisions are read from the approvals table, never passed in: a decision stored
        just before a crash resumes the case the next time anyone advances it.
        """
        return self._advance(tenant_id, case_id, self._case_row(tenant_id, case_id))

    def _advance(
        self,
        tenant_id: str,
        case_id: str,
        row: dict[str, Any],
        lock_conn: Connection[DictRow] | None = None,
    ) -> RunResult:
        """``lock_conn``: the connection holding the case's lock, if this thread holds it on
        one: the runs' checkpoints are saved on it."""
        advanced = False
        status = row["status"]
        for _ in range(_MAX_LEGS):
            if status in FINAL_STATUSES:
                break
            payload, seq = self._next_payload(tenant_id, case_id, row)
            if payload is _NOTHING_TO_DO:
                break
            # When the state stands on the log's head, no step past it was recorded.
            head = ChainHead.of_row(row) if seq == row["last_seq"] else None
            # A state (not a resume, nor None for "go on") starts the run from the beginning.
            config = self._config(case_id, from_start=isinstance(payload, dict))
            try:
                with self._deps.recorder.run(case_id, head) as running:
                    completed = self._run(tenant_id, case_id, payload, config, lock_conn)
            except HeadMovedError:
                # A record was appended meanwhile (a delivery's outcome) under a record the
                # run had not yet written: it runs again from its last checkpoint.
                completed = False
            advanced = True
            if completed and running.head is not None:
                # The run's steps moved the head here: the case stands where they left it.
                head = running.head
                row = {**row, **head.projection, "last_seq": head.seq, "last_hash": head.hash}
            else:
                row = self._case_row(tenant_id, case_id)
            status = row["status"]
            if status in WAITING_STATUSES:
                # Whoever decides the gate from now on has the case advanced (inline under
                # its lock, or a job queued with the decision): nothing more to do here.
                break
        return RunResult(case_id, status, advanced)

    def _config(self, case_id: str, *, from_start: bool = False) -> Any:
        if from_start:
            return {"configurable": {"thread_id": case_id, FROM_START: True}}
        return {"configurable": {"thread_id": case_id}}

    def _next_payload(
        self, tenant_id: str, case_id: str, row: dict[str, Any]
    ) -> tuple[Any, int | None]:
        """What to invoke the graph with next, and the record count its state stands on."""
        # While no step has recorded anything, whatever checkpoint a run cut short left
        # holds no progress: a run from the start is the same run, and the checkpoint is
        # not read.
        fresh = row["last_seq"] == INTAKE_SEQ
        snapshot = None if fresh else self._graph().get_state(self._config(case_id))
        if snapshot is None or not snapshot.values:
            state = initial_state(tenant_id, case_id, row["event"], INTAKE_SEQ, row["initiated_by"])
            return state, INTAKE_SEQ
        seq = snapshot.values.get("seq")
        if snapshot.interrupts:
            decision = self._stored_decision(tenant_id, snapshot.values)
            return (_NOTHING_TO_DO if decision is None else Command(resume=decision)), seq
        if snapshot.next or snapshot.tasks:
            # A run an error cut short: continue from its checkpoint. A task that
            # finished and saved its writes before the crash is not in ``next`` but still in
            # ``tasks``: LangGraph applies its writes and goes on from there.
            return None, None
        return _NOTHING_TO_DO, seq

    def _run(
        self,
        tenant_id: str,
        case_id: str,
        payload: Any,
        config: Any,
        lock_conn: Connection[DictRow] | None,
    ) -> bool:
        """Invoke the graph; False when the case failed (recorded, not raised)."""
        with tracer.start_as_current_span(
            f"invoke_workflow {WORKFLOW_NAME}",
            attributes=masked_attributes(
                {
                    "gen_ai.workflow.name": WORKFLOW_NAME,
                    "exdesk.case_id": case_id,
                    "exdesk.tenant_id": tenant_id,
                }
            ),
        ) as span:
            try:
                # the run's saves are made here as it stops: one that fails fails the run
                with self._saver().saves_held(case_id, lock_conn):
                    # run, streaming nothing: the run's state is read from the store, not
                    # from the graph's output (``invoke`` copies the whole state out after
                    # every step for it)
                    for _ in self._graph().stream(
                        payload, config, stream_mode=[], durability="exit"
                    ):
                        pass
            except TRANSIENT_ERRORS:
                # The run stops where its last checkpoint is; the caller tries again later.
                span.set_status(Status(StatusCode.ERROR, "transient"))
                raise
            except Exception as error:
                span.record_exception(error)
                span.set_status(Status(StatusCode.ERROR, type(error).__name__))
                logger.exception("case %s failed", case_id)
                self._fail(tenant_id, case_id, error)
                return False
            return True

    def _stored_decision(self, tenant_id: str, values: dict[str, Any]) -> GateDecision | None:
        """A decision stored before a crash cut its resume short."""
        pending = values.get("pending_approval")
        if not pending:
            return None
        with self._deps.db.connection() as conn:
            approval = approval_store.get_approval(conn, tenant_id, pending["approval_id"])
        if approval is None or approval.status == "pending":
            return None
        return gate_decision(approval)

    def _fail(self, tenant_id: str, case_id: str, error: Exception) -> None:
        """Mark the case failed with a reason, in its chain and its ledger; never drop it."""
        reason = f"{type(error).__name__}: {error}"[:2000]
        with tracer.start_as_current_span("workflow_step fail") as span:
            trace_id, span_id = span_ids(span)
            with self._deps.db.transaction() as conn:
                row = get_case_row(conn, tenant_id, case_id)
                assert row is not None
                entry = StepEntry(
                    actor="system",
                    inputs_digest=digest({"error": reason}),
                    output=FailStep(reason=reason),
                    trace_id=trace_id,
                    span_id=span_id,
                )
                key = f"{row['last_seq'] + 1:04d}:fail"
                failed = CaseUpdate(status="failed", failure_reason=reason)
                append_record(conn, tenant_id, case_id, key, entry, failed, anchor="failed")
