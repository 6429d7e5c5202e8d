"""Who may decide an approval: the role per approval kind, separation of duties, and what a
decision does to the approval and the case. One place for each rule; the service, the
workflow and the console all ask here."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from typing import Final, Literal

from exdesk.domain import Approval, ApprovalDecision, ApprovalKind, Role
from exdesk.errors import ConflictError, InputError, PermissionDeniedError
from exdesk.policies.config import PolicyConfig

DecidedStatus = Literal["approved", "rejected", "edited"]
"""The status of a decided approval, and of the case it decided."""

DECISION_STATUS: Final[dict[ApprovalDecision, DecidedStatus]] = {
    "approve": "approved",
    "reject": "rejected",
    "edit": "edited",
}
"""What a decision makes of the approval, and of the case that waited for it (the case
statuses ``approved``, ``rejected`` and ``edited`` are the same words, CONTRACT §6)."""


def approver_role(policy: PolicyConfig, kind: ApprovalKind) -> Role:
    """The role that decides approvals of one kind, as the policy file names it."""
    roles: dict[ApprovalKind, Role] = {
        "classification": policy.triage_role,
        "remediation": policy.remediation.approver_role,
        "customer_message": policy.customer_message.approver_role,
        "credit": policy.credit.approver_role,
        "document": policy.document.approver_role,
    }
    return roles[kind]


def same_person(name: str) -> str:
    """A user name in the one form identities are compared in: case-folded, trimmed
    (``DEMO-CS_REP`` and `` demo-cs_rep`` are the same person)."""
    return name.strip().casefold()


def excluded_deciders(initiated_by: str | None, editors: Iterable[str] = ()) -> list[str]:
    """Who may not decide a proposal: whoever initiated the case and whoever edited the
    proposal (nobody approves their own work), normalised and sorted."""
    people = [initiated_by or "", *editors]
    return sorted({same_person(person) for person in people if person.strip()})


def check_may_decide(
    user: str, roles: Collection[Role], approval: Approval, decision: ApprovalDecision
) -> None:
    """Refuse a decision the rules do not allow, with the reason.

    PermissionDeniedError without the approval's role, or for someone it excludes;
    ConflictError when it was already decided; InputError for a decision a policy ruled out
    (a denied draft may only be edited or rejected).
    """
    if approval.required_role not in roles:
        raise PermissionDeniedError(
            f"approval {approval.approval_id} needs the role {approval.required_role}"
        )
    if same_person(user) in {same_person(excluded) for excluded in approval.excluded_users}:
        raise PermissionDeniedError(
            f"{user} initiated or edited this proposal and may not decide it"
        )
    if approval.status != "pending":
        raise ConflictError(
            f"approval {approval.approval_id} was already decided ({approval.status} by "
            f"{approval.decided_by})"
        )
    if decision not in approval.allowed_decisions:
        raise InputError(
            f"{decision} is not allowed here ({approval.reason}); allowed: "
            + ", ".join(approval.allowed_decisions),
            location="decision",
        )
