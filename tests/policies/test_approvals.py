"""Who may decide an approval: one table per rule."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import get_args

import pytest

from exdesk.domain import (
    Approval,
    ApprovalDecision,
    ApprovalKind,
    ApprovalStatus,
    ClassificationProposal,
    Role,
)
from exdesk.errors import ConflictError, ExdeskError, InputError, PermissionDeniedError
from exdesk.policies.approvals import (
    DECISION_STATUS,
    approver_role,
    check_may_decide,
    excluded_deciders,
    same_person,
)
from exdesk.policies.config import load_policy_config

POLICY = load_policy_config()


@pytest.mark.parametrize(
    ("kind", "role"),
    [
        ("classification", "ops"),
        ("remediation", "ops"),
        ("customer_message", "cs_rep"),
        ("credit", "finance"),
        ("document", "ops"),
    ],
)
def test_the_policy_file_names_the_role_of_each_approval_kind(
    kind: ApprovalKind, role: Role
) -> None:
    assert approver_role(POLICY, kind) == role


def test_every_approval_kind_has_a_role() -> None:
    for kind in get_args(ApprovalKind):
        assert approver_role(POLICY, kind)


@pytest.mark.parametrize(
    ("decision", "status"), [("approve", "approved"), ("reject", "rejected"), ("edit", "edited")]
)
def test_each_decision_has_one_status(decision: ApprovalDecision, status: ApprovalStatus) -> None:
    assert DECISION_STATUS[decision] == status
    assert set(DECISION_STATUS) == set(get_args(ApprovalDecision))


@pytest.mark.parametrize(
    ("one", "other", "same"),
    [
        ("DEMO-CS_REP", "demo-cs_rep", True),
        ("  rita ", "Rita", True),
        ("Straße", "STRASSE", True),
        ("rita", "rick", False),
        ("rita", "rita2", False),
    ],
)
def test_names_compare_after_one_normalisation(one: str, other: str, same: bool) -> None:
    assert (same_person(one) == same_person(other)) is same


def test_the_initiator_and_every_editor_are_excluded_once_each() -> None:
    assert excluded_deciders("Jane", ["rita", "JANE ", ""]) == ["jane", "rita"]
    assert excluded_deciders(None) == []
    assert excluded_deciders("  ") == []


def _approval(
    *,
    role: Role = "cs_rep",
    excluded: list[str] | None = None,
    status: ApprovalStatus = "pending",
    allowed: list[ApprovalDecision] | None = None,
) -> Approval:
    return Approval(
        approval_id="apr_1",
        case_id="case_1",
        tenant_id="acme",
        kind="customer_message",
        required_role=role,
        status=status,
        proposal=ClassificationProposal(category="other", confidence=0.5, rationale="-"),
        reason="every message is reviewed",
        allowed_decisions=allowed or ["approve", "reject", "edit"],
        excluded_users=excluded or [],
        requested_at=datetime(2026, 11, 20, tzinfo=UTC),
        decided_by="rick" if status != "pending" else None,
    )


@pytest.mark.parametrize(
    ("user", "roles", "approval", "decision", "refused"),
    [
        ("rick", {"cs_rep"}, _approval(), "approve", None),
        ("rick", {"ops"}, _approval(), "approve", PermissionDeniedError),
        ("rick", {"admin"}, _approval(), "approve", PermissionDeniedError),
        ("RITA", {"cs_rep"}, _approval(excluded=["rita"]), "approve", PermissionDeniedError),
        (
            "rita",
            {"cs_rep"},
            _approval(excluded=["DEMO-Rita", "Rita"]),
            "reject",
            PermissionDeniedError,
        ),
        ("rick", {"cs_rep"}, _approval(status="approved"), "approve", ConflictError),
        ("rick", {"cs_rep"}, _approval(allowed=["reject", "edit"]), "approve", InputError),
        ("rick", {"cs_rep"}, _approval(allowed=["reject", "edit"]), "edit", None),
    ],
)
def test_who_may_decide(
    user: str,
    roles: set[Role],
    approval: Approval,
    decision: ApprovalDecision,
    refused: type[ExdeskError] | None,
) -> None:
    if refused is None:
        check_may_decide(user, roles, approval, decision)
    else:
        with pytest.raises(refused):
            check_may_decide(user, roles, approval, decision)
