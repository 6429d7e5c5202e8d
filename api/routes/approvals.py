"""``POST /v1/cases/{case_id}/approvals/{approval_id}``: a person's decision."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter
from pydantic import BaseModel, ConfigDict, Field

from exdesk.api.deps import Decider, DeskDep, WaitSeconds
from exdesk.api.errors import error_responses
from exdesk.domain import ApprovalDecision, Case, CreditAction
from exdesk.errors import NotFoundError
from exdesk.store.approvals import get_approval
from exdesk.store.cases import get_case_row

router = APIRouter(
    prefix="/v1/cases",
    tags=["approvals"],
    responses=error_responses(401, 403, 404, 409, 413, 422, 429, 503),
)


class DecisionRequest(BaseModel):
    """Approve, reject, or submit an edited proposal for someone else to approve.

    Each approval decides one thing: rejecting a customer message sends no message and never
    cancels a remediation already approved; a credit approval is decided by approving one of
    its actions (``release_hold``, ``keep_hold``, ``cancel_order``)."""

    model_config = ConfigDict(extra="forbid")

    decision: ApprovalDecision
    comment: str | None = Field(default=None, max_length=2000)
    edited_proposal: dict[str, Any] | None = None
    action: CreditAction | None = Field(
        default=None,
        description="With approve on a credit approval: the action finance takes instead of "
        "the proposed one (release_hold, keep_hold or cancel_order); the customer is told it.",
    )


@router.post("/{case_id}/approvals/{approval_id}")
def decide(
    case_id: str,
    approval_id: str,
    body: DecisionRequest,
    desk: DeskDep,
    principal: Decider,
    wait: WaitSeconds = 0,
) -> Case:
    """Decide a pending approval; 409 if it was already decided, 403 without the role.

    The case runs on here (inline mode) or in a worker (queue mode); with ``wait`` the
    answer waits up to that many seconds for the case's next stop."""
    with desk.db.connection() as conn:
        approval = get_approval(conn, principal.tenant_id, approval_id)
        if approval is None or approval.case_id != case_id:
            if get_case_row(conn, principal.tenant_id, case_id) is None:
                raise NotFoundError(f"case {case_id} not found")
            raise NotFoundError(f"approval {approval_id} not found on case {case_id}")
    case = desk.decide(
        principal,
        approval_id,
        body.decision,
        comment=body.comment,
        edited_proposal=body.edited_proposal,
        case_id=case_id,
        action=body.action,
    )
    if (
        wait
        and desk.queued
        and desk.wait_for_stop(principal.tenant_id, case_id, wait, after_seq=len(case.decisions))
    ):
        return desk.case(principal.tenant_id, case_id)
    return case
