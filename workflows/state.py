"""The graph's typed state. Plain JSON values only: the checkpoint records progress, the
decision log and case tables hold the truth, and nothing custom is ever deserialised."""

from __future__ import annotations

from typing import Any, Literal, TypedDict

from exdesk.domain import ApprovalDecision, ApprovalKind, Role, Route, Severity
from exdesk.workflows.routing import Stage

Outcome = Literal["open", "rejected", "closed"]
"""``rejected``: a human rejected a proposal; ``closed``: nothing to automate (human `other`)."""


class PendingApproval(TypedDict):
    """The approval the gate waits for."""

    approval_id: str
    kind: ApprovalKind
    required_role: Role
    stage: Stage | None


class LastDecision(TypedDict):
    """The human decision the gate recorded last."""

    kind: ApprovalKind
    decision: ApprovalDecision


class GateDecision(TypedDict):
    """The value a run resumes with: a decision the service has validated and stored."""

    approval_id: str
    decision: ApprovalDecision
    user: str
    comment: str | None
    edited_proposal: dict[str, Any] | None


class CaseState(TypedDict, total=False):
    """What one case's run carries from node to node."""

    tenant_id: str
    case_id: str
    initiated_by: str | None
    """The user who created the case (a manual entry); they may not approve its decisions."""
    seq: int
    """How many decision records the case has; a step's idempotency key derives from it."""
    event: dict[str, Any]
    context: dict[str, Any]
    classification: dict[str, Any]
    severity: Severity
    route: Route
    stage: Stage | None
    """The stage whose proposal is under review."""
    stages_done: list[Stage]
    proposals: dict[str, dict[str, Any]]
    """The current proposal of each stage (an approved edit replaces it)."""
    extraction_error: str | None
    pending_approval: PendingApproval | None
    last_decision: LastDecision | None
    outcome: Outcome
    editors: list[str]
    """Who edited the proposal under review; none of them may approve it."""


def initial_state(
    tenant_id: str, case_id: str, event: dict[str, Any], seq: int, initiated_by: str | None
) -> CaseState:
    """The state a case's run starts from, after its intake record (``seq``)."""
    return CaseState(
        tenant_id=tenant_id,
        case_id=case_id,
        initiated_by=initiated_by,
        seq=seq,
        editors=[],
        event=event,
        stages_done=[],
        proposals={},
        pending_approval=None,
        last_decision=None,
        stage=None,
        extraction_error=None,
        outcome="open",
    )
