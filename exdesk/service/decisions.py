"""A person's decision on an approval: checked against the approval rules, validated,
stored exactly once (of two decisions on one approval, one wins and the other is told)."""

from __future__ import annotations

from typing import Any

from psycopg import Connection
from psycopg.rows import DictRow
from pydantic import ValidationError

from exdesk.domain import Approval, ApprovalDecision
from exdesk.errors import ConflictError, InputError, NotFoundError
from exdesk.policies.approvals import DECISION_STATUS, check_may_decide
from exdesk.store import approvals as approval_store
from exdesk.store.api_keys import Principal
from exdesk.workflows.stages import APPROVAL_EDITS, STAGE_FOR_KIND


def approval_to_decide(
    conn: Connection[DictRow],
    principal: Principal,
    approval_id: str,
    decision: ApprovalDecision,
    case_id: str | None = None,
) -> Approval:
    """The approval, once the rules allow this person this decision on it (and, with
    ``case_id``, once it is that case's); the matching error otherwise."""
    approval = approval_store.get_approval(conn, principal.tenant_id, approval_id)
    if approval is None or (case_id is not None and approval.case_id != case_id):
        where = f" on case {case_id}" if case_id is not None else ""
        raise NotFoundError(f"approval {approval_id} not found{where}")
    check_may_decide(principal.user, principal.roles, approval, decision)
    return approval


def chosen_action(
    approval: Approval, decision: ApprovalDecision, action: str | None
) -> dict[str, Any] | None:
    """The proposal with the action an approver chose instead of the proposed one (finance:
    ``release_hold``, ``keep_hold`` or ``cancel_order``), stored as what they approved; None
    without a choice. InputError for a choice the approval's stage does not offer."""
    if action is None:
        return None
    spec = STAGE_FOR_KIND.get(approval.kind)
    if decision != "approve" or spec is None or action not in spec.choices:
        offered = ", ".join(spec.choices) if spec is not None and spec.choices else "none"
        raise InputError(
            f"an action goes with approve on an approval that offers actions; "
            f"{approval.kind} offers: {offered}",
            location="action",
        )
    return approval.proposal.model_copy(update={"action": action}).model_dump(mode="json")


def validated_edit(
    approval: Approval, decision: ApprovalDecision, edited: dict[str, Any] | None
) -> dict[str, Any] | None:
    """The edited proposal as the approval's kind defines it; InputError naming the field.

    A customer message's recipient is the contact on file: an edit naming another one is
    refused (free text never supplies a recipient)."""
    if decision == "edit" and approval.kind == "customer_message" and edited is not None:
        proposed = getattr(approval.proposal, "to", None)
        if edited.get("to") not in (None, proposed):
            raise InputError(
                f"the recipient is the customer's contact on file ({proposed}); an edit "
                "cannot change it",
                location="edited.to",
            )
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


def store_decision(
    conn: Connection[DictRow],
    principal: Principal,
    approval: Approval,
    decision: ApprovalDecision,
    *,
    comment: str | None,
    edited: dict[str, Any] | None,
) -> Approval:
    """Decide the pending approval; ConflictError when someone decided it first."""
    stored = approval_store.record_decision(
        conn,
        principal.tenant_id,
        approval.approval_id,
        status=DECISION_STATUS[decision],
        decision=decision,
        user=principal.user,
        comment=comment,
        edited_proposal=edited,
        via=principal.via,
        via_key=principal.key_id if principal.via == "api_key" else None,
    )
    if stored is None:
        current = approval_store.get_approval(conn, principal.tenant_id, approval.approval_id)
        raise ConflictError(
            f"approval {approval.approval_id} was already decided "
            f"({current.status if current else 'gone'} by "
            f"{current.decided_by if current else '?'})"
        )
    return stored
