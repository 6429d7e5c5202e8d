"""Review nodes: policy checks on each proposal, and the human approval gate."""

from __future__ import annotations

from typing import Any, Final

from langgraph.types import interrupt

from exdesk.domain import (
    ApprovalKind,
    CaseClassification,
    CaseStatus,
    CreditReview,
    CustomerDraft,
    DocumentExtraction,
    DraftRequest,
    PolicyResult,
    Role,
)
from exdesk.policies.config import PolicyConfig
from exdesk.policies.draft_guard import check_draft
from exdesk.policies.rules import (
    credit_review,
    customer_message_review,
    document_review,
    escalation,
    remediation_review,
)
from exdesk.policies.verdict import combine
from exdesk.store.cases import CaseUpdate
from exdesk.workflows.deps import WorkflowDeps
from exdesk.workflows.facts import remediation_plan
from exdesk.workflows.nodes.analysis import Update, context_of, excluded_users
from exdesk.workflows.routing import Stage
from exdesk.workflows.state import CaseState, GateDecision, LastDecision, PendingApproval
from exdesk.workflows.steps import ApprovalRequest, SpanSpec, StepResult

STAGE_APPROVAL: Final[dict[Stage, ApprovalKind]] = {
    "remediation": "remediation",
    "document": "document",
    "credit": "credit",
    "customer_message": "customer_message",
}


def stage_role(policy: PolicyConfig, stage: Stage) -> Role:
    """Who approves a stage's proposals."""
    roles: dict[Stage, Role] = {
        "remediation": policy.remediation.approver_role,
        "document": policy.document.approver_role,
        "credit": policy.credit.approver_role,
        "customer_message": policy.customer_message.approver_role,
    }
    return roles[stage]


def approval_view(stage: Stage, proposal: dict[str, Any]) -> dict[str, Any]:
    """What the approver sees and may edit."""
    if stage == "customer_message":
        return dict(proposal["draft"])
    return dict(proposal)


def stage_policy_results(
    policy: PolicyConfig,
    stage: Stage,
    proposal: dict[str, Any],
    severity: Any,
    foreign_references: list[str],
) -> list[PolicyResult]:
    """The policies that judge one stage's proposal."""
    if stage == "remediation":
        return remediation_review(policy, remediation_plan(proposal), severity)
    if stage == "document":
        extraction = proposal.get("extraction")
        return document_review(
            policy,
            DocumentExtraction.model_validate(extraction) if extraction else None,
            proposal.get("error"),
        )
    if stage == "credit":
        review = CreditReview.model_validate(proposal)
        over = (
            review.exposure is not None
            and review.credit_limit is not None
            and (review.exposure > review.credit_limit)
        )
        return [credit_review(policy, over)]
    draft = CustomerDraft.model_validate(proposal["draft"])
    request = DraftRequest.model_validate(proposal["request"])
    violations = check_draft(draft, request, forbidden_identifiers=foreign_references)
    return customer_message_review(policy, [v.message for v in violations])


class ReviewNodes:
    """Policy checks and the approval gate."""

    def __init__(self, deps: WorkflowDeps) -> None:
        self._deps = deps

    def check_policies(self, state: CaseState) -> Update:
        """Judge the current stage's proposal; approve it or open an approval."""
        policy = self._deps.policy
        stage = state["stage"]
        assert stage is not None, "check_policies runs after a proposal node"
        proposal = state["proposals"][stage]
        context = context_of(state)
        tier = context.customer.tier if context.customer else None
        results = stage_policy_results(
            policy, stage, proposal, state.get("severity"), context.foreign_references
        )
        editors = state.get("editors", [])
        if editors:
            results.append(
                PolicyResult(
                    policy_id="human-edit-review",
                    version=policy.version,
                    subject=stage,
                    effect="require_approval",
                    reason=f"edited by {', '.join(editors)}: someone else must approve it",
                    required_role=stage_role(policy, stage),
                )
            )
        escalated = escalation(policy, state.get("severity"), tier)
        if escalated is not None:
            results.append(escalated)
        verdict = combine(results)
        deciding = next((r for r in results if r.effect != "allow"), results[0])
        approval = None
        status: CaseStatus = "approved"
        if verdict.needs_approval:
            status = "escalated" if verdict.escalate else "awaiting_approval"
            approval = ApprovalRequest(
                kind=STAGE_APPROVAL[stage],
                required_role=verdict.required_role or stage_role(policy, stage),
                proposal=approval_view(stage, proposal),
                reason=verdict.reason,
                allowed_decisions=verdict.allowed_decisions,
                excluded_users=excluded_users(state, *editors),
            )
        record = self._deps.recorder.record(
            state,
            "check_policies",
            lambda: StepResult(
                actor=f"policy:{deciding.policy_id}",
                inputs=proposal,
                output={"stage": stage, "verdict": verdict.reason, "status": status},
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
        if "approval_id" in record.output:
            pending = PendingApproval(
                approval_id=record.output["approval_id"],
                kind=STAGE_APPROVAL[stage],
                required_role=verdict.required_role or stage_role(policy, stage),
                stage=stage,
            )
            return {"seq": record.seq, "pending_approval": pending}
        return {
            "seq": record.seq,
            "pending_approval": None,
            "stages_done": [*state.get("stages_done", []), stage],
            "last_decision": None,
        }

    def approval_gate(self, state: CaseState) -> Update:
        """Wait for a person's decision, then record it (side effects after the interrupt)."""
        pending = state["pending_approval"]
        assert pending is not None, "the gate runs only with a pending approval"
        decision: GateDecision = interrupt(dict(pending))
        if decision["approval_id"] != pending["approval_id"]:
            raise ValueError(
                f"resumed with approval {decision['approval_id']}, "
                f"waiting for {pending['approval_id']}"
            )
        if pending["kind"] == "classification":
            return self._decide_classification(state, decision)
        return self._decide_stage(state, pending, decision)

    def _decide_classification(self, state: CaseState, decision: GateDecision) -> Update:
        current = CaseClassification.model_validate(state["classification"])
        verb = decision["decision"]
        category = current.category
        if verb == "edit" and decision["edited_proposal"]:
            category = decision["edited_proposal"]["category"]
        human = CaseClassification(
            category=category,
            confidence=1.0,
            severity=current.severity,
            engine="human",
            rationale=f"classified by {decision['user']}"
            + (f": {decision['comment']}" if decision["comment"] else ""),
        )
        rejected = verb == "reject"
        record = self._deps.recorder.record(
            state,
            "approval_gate",
            lambda: StepResult(
                actor=f"human:{decision['user']}",
                inputs=dict(decision),
                output={**decision, "kind": "classification", "category": category},
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
        self, state: CaseState, pending: PendingApproval, decision: GateDecision
    ) -> Update:
        stage = pending["stage"]
        assert stage is not None
        verb = decision["decision"]
        statuses: dict[str, CaseStatus] = {
            "approve": "approved",
            "reject": "rejected",
            "edit": "edited",
        }
        status = statuses[verb]
        record = self._deps.recorder.record(
            state,
            "approval_gate",
            lambda: StepResult(
                actor=f"human:{decision['user']}",
                inputs=dict(decision),
                output={**decision, "kind": pending["kind"], "stage": stage},
                case_update=CaseUpdate(status=status),
            ),
        )
        update: Update = {
            "seq": record.seq,
            "pending_approval": None,
            "last_decision": LastDecision(kind=pending["kind"], decision=verb),
        }
        if verb == "approve":
            update["stages_done"] = [*state.get("stages_done", []), stage]
        elif verb == "reject":
            update["outcome"] = "rejected"
        else:
            edited = decision["edited_proposal"] or {}
            update["proposals"] = {
                **state["proposals"],
                stage: merge_edit(stage, state["proposals"][stage], edited),
            }
            update["editors"] = sorted({*state.get("editors", []), decision["user"]})
        return update


def merge_edit(stage: Stage, proposal: dict[str, Any], edited: dict[str, Any]) -> dict[str, Any]:
    """A stage's proposal with a person's validated edit applied."""
    if stage == "customer_message":
        return {**proposal, "draft": edited}
    if stage == "document":
        return {**proposal, "resolution": edited}
    return edited
