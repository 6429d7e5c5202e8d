"""Completion nodes: execute what was approved (outbox rows, once), then resolve."""

from __future__ import annotations

from typing import Final

from exdesk.domain import CaseStatus, ExecuteStep, ResolveStep
from exdesk.store.cases import CaseUpdate
from exdesk.workflows.deps import WorkflowDeps
from exdesk.workflows.stages import STAGES, DeliveryInputs
from exdesk.workflows.state import CaseState, Outcome, StateView, Update
from exdesk.workflows.steps import OutboxRequest, StepResult


def outbox_requests(state: CaseState) -> list[OutboxRequest]:
    """The writes the approved stages commit to, at most one per stage (its dedupe key)."""
    view = StateView(state)
    context, event = view.context, view.event
    inputs = DeliveryInputs(
        order_id=context.order.order_id if context.order else event.order_id,
        source=event.source,
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


_NOTES: Final[dict[Outcome, str]] = {
    "closed": "classified as other by a person: nothing to automate",
    "informational": "routine progress, not an exception: closed under the "
    "close_informational policy",
}


def resolution(state: CaseState) -> str | None:
    """Why the case ends as it does (CONTRACT §7): the first action an approved stage took
    (``reship``, ``release_hold``…), ``notify_customer`` when a message was all, else
    ``no_action``; None when a person rejected the case."""
    done = state.get("stages_done", [])
    if state.get("outcome") == "rejected" or (not done and state.get("stages_skipped")):
        return None
    view = StateView(state)
    for stage in done:
        spec = STAGES[stage]
        proposal = spec.current(view)
        action = None if proposal is None else spec.approved_action(spec.approver_view(proposal))
        if action is not None:
            return action
    return "notify_customer" if "customer_message" in done else "no_action"


def resolve(deps: WorkflowDeps, state: CaseState) -> Update:
    """Close the case: resolved, or rejected when a person rejected a proposal (or every
    proposal of the case) and nothing was done."""
    outcome = state.get("outcome", "open")
    nothing_done = not state.get("stages_done") and bool(state.get("stages_skipped"))
    status: CaseStatus = "rejected" if outcome == "rejected" or nothing_done else "resolved"
    summary = ResolveStep(
        status=status,
        stages_done=state.get("stages_done", []),
        note=_NOTES.get(outcome),
        resolution=resolution(state),
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
