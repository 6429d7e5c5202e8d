"""Policy verdicts and the approvals people decide: the vocabulary and the stored shape."""

from __future__ import annotations

from datetime import datetime
from typing import Final, Literal, get_args

from pydantic import Field

from exdesk.domain._base import ContractModel, Identifier
from exdesk.domain.proposals import (
    ClassificationEdit,
    ClassificationProposal,
    CreditReview,
    CustomerDraft,
    DocumentProposal,
    DocumentResolution,
    FulfillmentOption,
    FulfillmentRecommendation,
)
from exdesk.domain.taxonomy import Role

PolicyEffect = Literal["allow", "require_approval", "deny", "escalate", "route_to_triage"]
"""What a policy says about a proposal. ``deny`` stops the proposal; ``escalate`` flags the
case for senior attention; ``route_to_triage`` sends it to a human to classify."""

ApprovalKind = Literal["classification", "remediation", "customer_message", "credit", "document"]
"""What a human is asked to decide."""

ApprovalStatus = Literal["pending", "approved", "rejected", "edited"]

ApprovalDecision = Literal["approve", "reject", "edit"]
"""What a human may answer. ``edit`` replaces the proposal and asks someone else to approve it."""

DecisionVia = Literal["session", "api_key", "cli"]
"""How the person who decided was identified (CONTRACT §7): signed in to the console, an API
key (its id is kept), or the local CLI (a local operator's stated name)."""

ALL_DECISIONS: Final[tuple[ApprovalDecision, ...]] = get_args(ApprovalDecision)

ApprovalProposal = (
    ClassificationProposal
    | FulfillmentRecommendation
    | CustomerDraft
    | CreditReview
    | DocumentProposal
)
"""What an approver sees, by kind: the classification to confirm (triage), the ranked
remediation options, the draft, the credit review, the document and its resolution. The
members accept disjoint fields, so a stored proposal reads as exactly one of them."""

ApprovalEdit = (
    ClassificationEdit | FulfillmentOption | CustomerDraft | CreditReview | DocumentResolution
)
"""What a person may put in a proposal's place, by kind: a category, one fulfilment option,
a draft, a credit review, a document resolution (``exdesk.workflows.stages`` says which)."""


class PolicyResult(ContractModel):
    """One policy's verdict on one proposal."""

    policy_id: str
    version: str
    subject: str = Field(description="What the policy judged: classification, remediation…")
    effect: PolicyEffect
    reason: str
    required_role: Role | None = None


class Approval(ContractModel):
    """A human decision the workflow waits for, pending or decided."""

    approval_id: Identifier
    case_id: Identifier
    tenant_id: Identifier
    kind: ApprovalKind
    required_role: Role
    status: ApprovalStatus
    proposal: ApprovalProposal
    reason: str
    allowed_decisions: list[ApprovalDecision] = Field(
        default_factory=lambda: list(ALL_DECISIONS),
        description="A proposal a policy denied may only be edited or rejected, not approved.",
    )
    excluded_users: list[str] = Field(
        default_factory=list, description="Who may not decide: whoever initiated or edited it."
    )
    requested_at: datetime
    decided_at: datetime | None = None
    decided_by: str | None = None
    decided_via: DecisionVia | None = None
    decided_via_key: str | None = Field(
        default=None, description="The API key's id, when the decision came with one."
    )
    decision: ApprovalDecision | None = None
    comment: str | None = None
    edited_proposal: ApprovalEdit | None = None
