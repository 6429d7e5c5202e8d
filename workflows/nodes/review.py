"""Review nodes: policy checks on each stage's proposal, and the human approval gate."""

from __future__ import annotations

from typing import Any

from langgraph.errors import GraphInterrupt
from langgraph.types import interrupt

from exdesk.domain import (
    CaseClassification,
    CaseStatus,
    ClassificationEdit,
    GateStep,
    PolicyCheckStep,
    PolicyResult,
)
from exdesk.policies.approvals import DECISION_STATUS, approver_role, excluded_deciders
from exdesk.policies.rules import edit_review, escalation, sender_review
from exdesk.policies.verdict import combine
from exdesk.store.cases import CaseUpdate
from exdesk.workflows.deps import WorkflowDeps
from exdesk.workflows.stages import STAGES, ReviewInputs, StageSpec
from exdesk.workflows.state import (
    CaseState,
    GateDecision,
    LastDecision,
    PendingApproval,
    StateView,
    Update,
)
from exdesk.workflows.steps import ApprovalRequest, SpanSpec, StepResult


def check_policies(deps: WorkflowDeps, state: CaseState) -> Update:
    """Judge the current stage's proposal; approve it or open an approval."""
    policy = deps.policy
    stage = state["stage"]
    assert stage is not None, "check_policies runs after a proposal node"
    spec = STAGES[stage]
    view = StateView(state)
    proposal = spec.current(view)
    assert proposal is not None, f"the {stage} stage has no proposal"
    context = view.context
    role = approver_role(policy, spec.approval_kind)
    editors = state.get("editors", [])
    results: list[PolicyResult] = spec.review(
        policy, proposal, ReviewInputs(state.get("severity"), context.foreign_references)
    )
    results += sender_review(policy, stage, context.warnings)
    edited = edit_review(policy, stage, editors, role)
    if edited is not None:
        results.append(edited)
    escalated = escalation(
        policy, state.get("severity"), context.customer.tier if context.customer else None
    )
    if escalated is not None:
        results.append(escalated)
    verdict = combine(results)
    deciding = next((r for r in results if r.effect != "allow"), results[0])
    approval = None
    status: CaseStatus = "approved"
    required_role = verdict.required_role or role
    if verdict.needs_approval:
        status = "escalated" if verdict.escalate else "awaiting_approval"
        approval = ApprovalRequest(
            kind=spec.approval_kind,
            required_role=required_role,
            proposal=spec.approver_view(proposal),
            reason=verdict.reason,
            allowed_decisions=verdict.allowed_decisions,
            excluded_users=excluded_deciders(state.get("initiated_by"), editors),
        )
    record = deps.recorder.record(
        state,
        "check_policies",
        lambda: StepResult(
            actor=f"policy:{deciding.policy_id}",
            inputs=state["proposals"][stage],
            output=PolicyCheckStep(stage=stage, verdict=verdict.reason, status=status),
            policy_results=results,
            case_update=CaseUpdate(
                status=status, policy_results=[r.model_dump(mode="json") for r in results]
            ),
            approval=approval,
            anchor=status if approval is not None else None,
        ),
        SpanSpec(
            f"apply_guardrail {stage}",
            attributes={
                "gen_ai.guardrail.policy.id": deciding.policy_id,
                "gen_ai.guardrail.policy.version": policy.version,
                "gen_ai.guardrail.result.type": deciding.effect,
                "gen_ai.guardrail.result.reason": verdict.reason,
            },
        ),
    )
    out = record.output
    assert isinstance(out, PolicyCheckStep)
    if out.approval_id is not None:
        pending = PendingApproval(
            approval_id=out.approval_id,
            kind=spec.approval_kind,
            required_role=required_role,
            stage=stage,
        )
        return {"seq": record.seq, "pending_approval": pending}
    return {
        "seq": record.seq,
        "pending_approval": None,
        "stages_done": [*state.get("stages_done", []), stage],
        "last_decision": None,
    }


def approval_gate(deps: WorkflowDeps, state: CaseState) -> Update:
    """Wait for a person's decision, then record it (side effects after the interrupt)."""
    pending = state["pending_approval"]
    assert pending is not None, "the gate runs only with a pending approval"
    try:
        decision: GateDecision = interrupt(dict(pending))
    except GraphInterrupt as waiting:
        deps.recorder.stopped(state["case_id"], waiting)
        raise
    if decision["approval_id"] != pending["approval_id"]:
        raise ValueError(
            f"resumed with approval {decision['approval_id']}, waiting for {pending['approval_id']}"
        )
    if pending["stage"] is None:
        return _decide_classification(deps, state, decision)
    return _decide_stage(deps, state, STAGES[pending["stage"]], decision)


def _gate_step(decision: GateDecision, **what: Any) -> GateStep:
    """The gate's record of a decision the service validated and stored."""
    return GateStep.model_validate({**decision, **what})


def _decide_classification(deps: WorkflowDeps, state: CaseState, decision: GateDecision) -> Update:
    current = StateView(state).classification
    verb = decision["decision"]
    category = current.category
    if verb == "edit" and decision["edited_proposal"]:
        category = ClassificationEdit.model_validate(decision["edited_proposal"]).category
    human = CaseClassification(
        category=category,
        confidence=1.0,
        severity=current.severity,
        engine="human",
        rationale=f"classified by {decision['user']}"
        + (f": {decision['comment']}" if decision["comment"] else ""),
    )
    rejected = verb == "reject"
    record = deps.recorder.record(
        state,
        "approval_gate",
        lambda: StepResult(
            actor=f"human:{decision['user']}",
            inputs=dict(decision),
            output=_gate_step(decision, kind="classification", category=category),
            confidence=None if rejected else 1.0,
            case_update=CaseUpdate(status="rejected")
            if rejected
            else CaseUpdate(
                status="classified",
                category=category,
                confidence=1.0,
                classification=human.model_dump(mode="json"),
            ),
        ),
    )
    update: Update = {
        "seq": record.seq,
        "pending_approval": None,
        "last_decision": LastDecision(kind="classification", decision=verb),
    }
    if rejected:
        update["outcome"] = "rejected"
    else:
        update["classification"] = human.model_dump(mode="json")
    return update


def _decide_stage(
    deps: WorkflowDeps, state: CaseState, spec: StageSpec[Any, Any], decision: GateDecision
) -> Update:
    stage = spec.stage
    verb = decision["decision"]
    record = deps.recorder.record(
        state,
        "approval_gate",
        lambda: StepResult(
            actor=f"human:{decision['user']}",
            inputs=dict(decision),
            output=_gate_step(decision, kind=spec.approval_kind, stage=stage),
            case_update=CaseUpdate(status=DECISION_STATUS[verb]),
        ),
    )
    update: Update = {
        "seq": record.seq,
        "pending_approval": None,
        "last_decision": LastDecision(kind=spec.approval_kind, decision=verb),
    }
    if verb == "approve":
        if decision["edited_proposal"] is not None and spec.choose is not None:
            # The approver chose one of the stage's other actions (finance: release, keep,
            # cancel); the decision is that action, approved by them.
            chosen = str(decision["edited_proposal"]["action"])
            current = spec.choose(spec.current(StateView(state)), chosen, decision["user"])
            update["proposals"] = {**state["proposals"], stage: current.model_dump(mode="json")}
        update["stages_done"] = [*state.get("stages_done", []), stage]
    elif verb == "reject" and spec.on_reject == "skip_stage":
        update["stages_skipped"] = [*state.get("stages_skipped", []), stage]
    elif verb == "reject":
        update["outcome"] = "rejected"
    else:
        edit = spec.edit_model.model_validate(decision["edited_proposal"] or {})
        merged = spec.merge_edit(spec.current(StateView(state)), edit, decision["user"])
        update["proposals"] = {**state["proposals"], stage: merged.model_dump(mode="json")}
        update["editors"] = sorted({*state.get("editors", []), decision["user"]})
    return update
