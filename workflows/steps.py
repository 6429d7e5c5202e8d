"""Recording a workflow step: its decision record, the case projection, any approval it
requests and any outbox message it commits to — in one transaction, exactly once.

A node computes its result, hands it to :meth:`StepRecorder.record`, and builds its state
update from the *stored* record. When LangGraph re-runs a node after a crash, the record
already exists: the node skips its work and returns the same update, so nothing is
written twice and the state never disagrees with the log.

A record nothing outside the database acts on (no approval, no message, no anchor) and no
model answered is not sent when its step ends: it rides the transaction of the run's next
record that is sent, or is written before the run's next checkpoint
(:meth:`StepRecorder.write_deferred`). A crash before then loses it together with the
checkpoint that would have covered its step, as if the step had not run yet.
"""

from __future__ import annotations

import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from opentelemetry.trace import SpanKind
from psycopg import Connection
from psycopg.rows import DictRow

from exdesk.domain import (
    ApprovalDecision,
    ApprovalKind,
    ApprovalProposal,
    DecisionRecord,
    ModelUsage,
    OutboxKind,
    OutboxPayload,
    PolicyResult,
    Role,
    StepOutput,
)
from exdesk.store import approvals as approval_store
from exdesk.store import outbox as outbox_store
from exdesk.store.cases import CaseUpdate, ChainHead
from exdesk.store.database import Database
from exdesk.store.decision_log import (
    AppendStatement,
    StepEntry,
    append_record,
    defer_append,
    deferred_written,
    find_record,
)
from exdesk.store.record_hashes import digest
from exdesk.telemetry import masked_attributes, span_ids, tracer
from exdesk.workflows.state import CaseState


@dataclass(frozen=True)
class ApprovalRequest:
    """An approval a step opens."""

    kind: ApprovalKind
    required_role: Role
    proposal: ApprovalProposal
    reason: str
    allowed_decisions: Sequence[ApprovalDecision] = ("approve", "reject", "edit")
    excluded_users: Sequence[str] = ()


@dataclass(frozen=True)
class OutboxRequest:
    """A write the execute step commits to, once per case and ``dedupe_key``."""

    kind: OutboxKind
    dedupe_key: str
    payload: OutboxPayload


@dataclass(frozen=True)
class StepResult:
    """What a step decided and what it changes."""

    actor: str
    inputs: Any
    """What the step decided from; the record keeps its digest."""
    output: StepOutput
    confidence: float | None = None
    policy_results: Sequence[PolicyResult] = ()
    model: ModelUsage | None = None
    case_update: CaseUpdate = field(default_factory=CaseUpdate)
    approval: ApprovalRequest | None = None
    outbox: Sequence[OutboxRequest] = ()
    anchor: str | None = None
    """Anchor the chain head in the tenant ledger, for this reason (waiting, final…)."""


@dataclass(frozen=True)
class SpanSpec:
    """How a step appears in traces (GenAI semantic conventions)."""

    name: str
    kind: SpanKind = SpanKind.INTERNAL
    attributes: dict[str, Any] = field(default_factory=dict)


def step_key(state: CaseState, step: str) -> str:
    """The idempotency key of the next step: the record count plus the node name."""
    return f"{state['seq'] + 1:04d}:{step}"


DeliveryHook = Callable[[Connection[DictRow], str], object]
"""Asks for an outbox message to be delivered, in the transaction that commits it (so it
is delivered exactly when it exists)."""


@dataclass
class RunningCase:
    """A run of one case here, by the holder of its run lock."""

    head: ChainHead | None
    """The chain head the run's state stands on, while it is known: the run's holder
    checked that the log holds nothing past it (no step recorded by a run a crash cut
    short), and each step written here moves it on. None once unknown."""
    deferred: list[AppendStatement] = field(default_factory=list)
    """Records appended after ``head`` but not sent yet, in order."""
    refused: BaseException | None = None
    """Why the run's records not sent yet could not be written: from then on nothing of
    the run may be checkpointed (it would cover steps with no record)."""
    writing: threading.Lock = field(default_factory=threading.Lock)
    """Held while they are written: LangGraph saves a checkpoint and a stopped run's
    pending writes from two threads at once."""
    stops: list[BaseException] = field(default_factory=list)
    """What stopped the run inside a node (the gate's interrupt): see
    :meth:`StepRecorder.stopped`."""

    def take_deferred(self) -> list[AppendStatement]:
        """The records not sent yet, which the caller now sends (see :meth:`put_back`)."""
        taken, self.deferred = self.deferred, []
        return taken

    def put_back(self, taken: list[AppendStatement]) -> None:
        """Records taken to be sent whose transaction failed: they go out with the next."""
        self.deferred[:0] = taken


class StepRecorder:
    """Writes steps for the nodes of one graph."""

    def __init__(self, db: Database, deliver: DeliveryHook | None = None) -> None:
        self._db = db
        self._deliver = deliver
        self._runs: dict[str, RunningCase] = {}
        self._runs_lock = threading.Lock()

    @contextmanager
    def run(self, case_id: str, head: ChainHead | None) -> Iterator[RunningCase]:
        """Register a run of the case by the holder of its run lock, standing on ``head``
        (None: unknown). While the head is known, a step cannot have been recorded already:
        it is not looked up first, and its record is written by one statement. A step found
        already recorded (left by a run a crash cut short) leaves the head unknown: more
        may follow it. The run's last known head is on the yielded object at the end."""
        running = RunningCase(head)
        with self._runs_lock:
            self._runs[case_id] = running
        try:
            yield running
        finally:
            with self._runs_lock:
                self._runs.pop(case_id, None)
            for stop in running.stops:
                if stop.__traceback__ is not None:
                    traceback.clear_frames(stop.__traceback__)
            if running.deferred:
                # Never written, so no checkpoint covers their steps: they run again.
                running.deferred.clear()
                running.head = None

    def stopped(self, case_id: str, stop: BaseException) -> None:
        """Note what stops the case's run inside a node (the gate's interrupt), so that
        the frames it unwinds through are cleared when the run ends. LangGraph's runner
        keeps the traceback of an exception from a node in a closure of its own frame: a
        reference cycle that holds the run's whole loop — channels, executor, futures, a
        few hundred objects — until the garbage collector finds it."""
        running = self._running(case_id)
        if running is not None:
            running.stops.append(stop)

    def _running(self, case_id: str) -> RunningCase | None:
        with self._runs_lock:
            return self._runs.get(case_id)

    def write_deferred(self, case_id: str) -> None:
        """Write the run's records not sent yet, in one transaction: called before anything
        that would have the case's progress outlive the run (its checkpoint, a stopped
        run's pending writes). Once that has failed, raise again: the run starts again from
        its last checkpoint."""
        running = self._running(case_id)
        if running is None:
            return
        with running.writing:
            if running.refused is not None:
                raise running.refused
            if not running.deferred:
                return
            try:
                with (
                    self._sending(running) as deferred,
                    self._db.batched_transaction() as conn,
                    deferred_written(conn, deferred),
                ):
                    pass
            except BaseException as error:
                running.refused = error
                raise

    @contextmanager
    def _sending(self, running: RunningCase | None) -> Iterator[list[AppendStatement]]:
        """The run's records not sent yet, taken for a transaction the block opens; put
        back when it fails, so the run's checkpoint is never written without them."""
        deferred = running.take_deferred() if running is not None else []
        try:
            yield deferred
        except BaseException:
            if running is not None:
                running.put_back(deferred)
            raise

    def record(
        self,
        state: CaseState,
        step: str,
        compute: Callable[[], StepResult],
        span: SpanSpec | None = None,
    ) -> DecisionRecord:
        """Run ``compute`` and store its result once; on a re-run return the stored record."""
        key = step_key(state, step)
        case_id, tenant_id = state["case_id"], state["tenant_id"]
        running = self._running(case_id)
        head = running.head if running is not None else None
        if head is not None and head.seq != state["seq"]:
            head = None
        if head is None:
            with self._db.connection() as conn:
                existing = find_record(conn, case_id, key)
            if existing is not None:
                if running is not None:
                    running.head = None
                return existing
        spec = span or SpanSpec(f"workflow_step {step}")
        attributes = {"exdesk.case_id": case_id, "exdesk.tenant_id": tenant_id, "exdesk.step": step}
        with tracer.start_as_current_span(spec.name, kind=spec.kind) as current:
            if current.is_recording():  # masking costs: only for a span that is exported
                current.set_attributes(masked_attributes({**attributes, **spec.attributes}))
            result = compute()
            if result.output.step != step:
                raise TypeError(f"the {step} step produced a {result.output.step} output")
            trace_id, span_id = span_ids(current)
            if running is not None and head is not None and _deferrable(result):
                record = self._defer(running, head, state, key, result, (trace_id, span_id))
                if current.is_recording():
                    current.set_attributes({"exdesk.seq": record.seq})
                return record
            # Delivery hooks defer jobs in savepoints: a step with messages is not batched.
            with (
                self._sending(running) as deferred_appends,
                self._db.transaction() if result.outbox else self._db.batched_transaction() as conn,
                deferred_written(conn, deferred_appends),
            ):
                output = result.output
                if result.approval is not None:
                    request = result.approval
                    opened = approval_store.request_approval(
                        conn,
                        tenant_id=tenant_id,
                        case_id=case_id,
                        step_key=key,
                        kind=request.kind,
                        required_role=request.required_role,
                        proposal=request.proposal.model_dump(mode="json"),
                        reason=request.reason,
                        allowed_decisions=request.allowed_decisions,
                        excluded_users=request.excluded_users,
                        fresh=head is not None,
                    )
                    output = _with(
                        output,
                        approval_id=opened.approval_id,
                        approval_digest=opened.digest,
                    )
                outbox_ids = [
                    outbox_store.enqueue(
                        conn,
                        tenant_id=tenant_id,
                        case_id=case_id,
                        kind=message.kind,
                        dedupe_key=message.dedupe_key,
                        payload=message.payload.model_dump(mode="json"),
                    ).outbox_id
                    for message in result.outbox
                ]
                if outbox_ids:
                    output = _with(output, outbox_ids=outbox_ids)
                    if self._deliver is not None:
                        for outbox_id in outbox_ids:
                            self._deliver(conn, outbox_id)
                appended = append_record(
                    conn,
                    tenant_id,
                    case_id,
                    key,
                    _entry(result, output, trace_id, span_id),
                    result.case_update,
                    head=head,
                    anchor=result.anchor,
                )
            if running is not None:
                # the record just appended is the head, under the run's lock
                running.head = appended.head if appended.written else None
            if current.is_recording():
                current.set_attributes({"exdesk.seq": appended.record.seq})
        return appended.record

    def _defer(
        self,
        running: RunningCase,
        head: ChainHead,
        state: CaseState,
        key: str,
        result: StepResult,
        ids: tuple[str | None, str | None],
    ) -> DecisionRecord:
        """Append a record nothing outside acts on after the run's known head, unsent."""
        deferred = defer_append(
            self._db.signer,
            state["tenant_id"],
            state["case_id"],
            key,
            _entry(result, result.output, *ids),
            result.case_update,
            head=head,
        )
        running.deferred.append(deferred)
        running.head = deferred.appended.head
        return deferred.appended.record


def _deferrable(result: StepResult) -> bool:
    """Whether the step's record can wait for the run's next write: nothing outside the
    database acts on it (no approval, no message, no anchor), and no model answered it —
    a model's answer, once paid for, is kept even if the run is cut short next (a run
    again would ask again, and might be told otherwise)."""
    return (
        result.approval is None
        and not result.outbox
        and result.anchor is None
        and result.model is None
    )


def _entry(
    result: StepResult, output: StepOutput, trace_id: str | None, span_id: str | None
) -> StepEntry:
    return StepEntry(
        actor=result.actor,
        inputs_digest=digest(result.inputs),
        output=output,
        confidence=result.confidence,
        policy_results=list(result.policy_results),
        model=result.model,
        trace_id=trace_id,
        span_id=span_id,
    )


def _with(output: StepOutput, **ids: Any) -> StepOutput:
    """The output with the ids the transaction assigned (an approval, outbox messages);
    only a step whose output names them may open them."""
    unknown = set(ids) - set(type(output).model_fields)
    if unknown:
        raise TypeError(f"{output.step} records no {', '.join(sorted(unknown))}")
    return output.model_copy(update=ids)
