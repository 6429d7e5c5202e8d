"""A case as stored and served: its classification, proposals, approvals and decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal, get_args

from pydantic import Field

from exdesk.domain._base import Confidence, ContractModel, Identifier
from exdesk.domain.events import ExceptionEvent
from exdesk.domain.proposals import (
    CustomerDraft,
    DocumentExtraction,
    EngineName,
    FulfillmentRecommendation,
)
from exdesk.domain.taxonomy import CaseStatus, Category, Role, Route, Severity

PolicyEffect = Literal["allow", "require_approval", "deny", "escalate", "route_to_triage"]
"""What a policy says about a proposal. ``deny`` stops the proposal; ``escalate`` flags the
case for senior attention; ``route_to_triage`` sends it to a human to classify."""

ApprovalKind = Literal["classification", "remediation", "customer_message", "credit", "document"]
"""What a human is asked to decide."""

ApprovalStatus = Literal["pending", "approved", "rejected", "edited"]

ApprovalDecision = Literal["approve", "reject", "edit"]
"""What a human may answer. ``edit`` replaces the proposal and asks someone else to approve it."""

ALL_DECISIONS: tuple[ApprovalDecision, ...] = get_args(ApprovalDecision)


class PolicyResult(ContractModel):
    """One policy's verdict on one proposal."""

    policy_id: str
    version: str
    subject: str = Field(description="What the policy judged: classification, remediation…")
    effect: PolicyEffect
    reason: str
    required_role: Role | None = None


class CaseClassification(ContractModel):
    """The category the workflow settled on, and how sure it is."""

    category: Category
    confidence: Confidence
    severity: Severity | None = None
    engine: EngineName | Literal["human"]
    rationale: str = ""


class Approval(ContractModel):
    """A human decision the workflow waits for, pending or decided."""

    approval_id: Identifier
    case_id: Identifier
    tenant_id: Identifier
    kind: ApprovalKind
    required_role: Role
    status: ApprovalStatus
    proposal: dict[str, Any]
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
    decision: ApprovalDecision | None = None
    comment: str | None = None
    edited_proposal: dict[str, Any] | None = None


class ModelUsage(ContractModel):
    """Which model produced an output, under which prompt, at what token cost."""

    provider: str
    model: str
    prompt_version: str
    input_tokens: int | None = None
    output_tokens: int | None = None


class DecisionRecord(ContractModel):
    """One step of one case, hash-chained to the step before it (CONTRACT §5)."""

    tenant_id: Identifier
    case_id: Identifier
    seq: int = Field(ge=1)
    at: datetime
    step: str
    actor: str = Field(
        description="agent:<name>@<engine>, policy:<id>, human:<user> or system",
        pattern=r"^(agent:[a-z_]+@[a-z]+|policy:[\w.-]+|human:.+|system)$",
    )
    inputs_digest: str
    output: dict[str, Any]
    confidence: Confidence | None = None
    policy_results: list[PolicyResult] = Field(default_factory=list)
    model: ModelUsage | None = None
    trace_id: str | None = None
    span_id: str | None = None
    prev_hash: str
    hash: str


class OutboxMessage(ContractModel):
    """A write the execute step committed to perform: a remediation or a customer message."""

    outbox_id: Identifier
    case_id: Identifier
    kind: Literal["remediation", "customer_message", "credit_decision", "partner_notice"]
    payload: dict[str, Any]
    status: Literal["pending", "sent", "failed"]
    created_at: datetime


class Case(ContractModel):
    """The case as ``GET /v1/cases/{id}`` returns it (CONTRACT §6)."""

    case_id: Identifier
    tenant_id: Identifier
    status: CaseStatus
    event: ExceptionEvent
    classification: CaseClassification | None = None
    route: Route | None = None
    extraction: DocumentExtraction | None = None
    extraction_error: str | None = None
    recommendation: FulfillmentRecommendation | None = None
    draft: CustomerDraft | None = None
    policy_results: list[PolicyResult] = Field(default_factory=list)
    approvals: list[Approval] = Field(default_factory=list)
    decisions: list[DecisionRecord] = Field(default_factory=list)
    actions: list[OutboxMessage] = Field(default_factory=list)
    failure_reason: str | None = None
    created_at: datetime
    updated_at: datetime
