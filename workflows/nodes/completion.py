"""Completion nodes: execute what was approved (outbox rows, once), then resolve."""

from __future__ import annotations

from exdesk.domain import CaseStatus, ExecuteStep, ResolveStep
from exdesk.store.cases import CaseUpdate
from exdesk.tools.references import find_references
from exdesk.workflows.deps import WorkflowDeps
from exdesk.workflows.stages import STAGES, DeliveryInputs
from exdesk.workflows.state import CaseState, StateView, Update
from exdesk.workflows.steps import OutboxRequest, StepResult


def outbox_requests(state: CaseState) -> list[OutboxRequest]:
    """The writes the approved stages commit to, at most one per stage (its dedupe key)."""
    view = StateView(state)
    context, event = view.context, view.event
    recipient = context.customer.contact.email if context.customer else None
    if recipient is None:
        recipient = find_references(event.summary).sender_email
    inputs = DeliveryInputs(
        order_id=context.order.order_id if context.order else event.order_id,
        source=event.source,
        recipient=recipient,
    )
    requests: list[OutboxRequest] = []
    for stage in state.get("stages_done", []):
        spec = STAGES[stage]
        proposal = spec.current(view)
        request = None if proposal is None else spec.outbox_request(proposal, inputs)
        if request is not None:
            requests.append(request)
    return requests


def execute(deps: WorkflowDeps, state: CaseState) -> Update:
    """Commit the approved writes to the outbox (each exactly once)."""
    requests = outbox_requests(state)
    record = deps.recorder.record(
        state,
        "execute",
        lambda: StepResult(
            actor="system",
            inputs={"stages": state.get("stages_done", [])},
            output=ExecuteStep(actions=[r.kind for r in requests]),
            case_update=CaseUpdate(status="executing"),
            outbox=requests,
        ),
    )
    return {"seq": record.seq}


def resolve(deps: WorkflowDeps, state: CaseState) -> Update:
    """Close the case: resolved, or rejected when a person rejected a proposal."""
    outcome = state.get("outcome", "open")
    status: CaseStatus = "rejected" if outcome == "rejected" else "resolved"
    summary = ResolveStep(
        status=status,
        stages_done=state.get("stages_done", []),
        note="classified as other by a person: nothing to automate"
        if outcome == "closed"
        else None,
    )
    record = deps.recorder.record(
        state,
        "resolve",
        lambda: StepResult(
            actor="system",
            inputs={"outcome": outcome},
            output=summary,
            case_update=CaseUpdate(status=status),
            anchor=status,
        ),
    )
    return {"seq": record.seq}
