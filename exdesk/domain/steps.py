"""What each workflow step decided: one typed model per step, joined in one union on the
``step`` discriminator. A decision record's ``output`` is one of these (CONTRACT §5).

Records written before the ``step`` field was part of the output still read: the record's
own ``step`` names the model (see ``DecisionRecord``). Their hashes are computed over the
JSON as stored, so reading never changes what verifies.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import Field

from exdesk.domain._base import ContractModel, Identifier
from exdesk.domain.actions import DeliveryResponse, OutboxKind
from exdesk.domain.approvals import ApprovalDecision, ApprovalEdit, ApprovalKind, DecisionVia
from exdesk.domain.proposals import (
    ClassificationProposal,
    CreditReview,
    CustomerMessageProposal,
    DocumentProposal,
    EngineName,
    FulfillmentRecommendation,
)
from exdesk.domain.taxonomy import CaseStatus, Category, Role, Route, Severity, Stage

Digest = Annotated[
    str | None,
    Field(exclude_if=lambda value: value is None, pattern=r"^[0-9a-f]{64}$"),
]
"""SHA-256 (hex) of rows a step wrote beside its record, in canonical JSON version 2
(``exdesk.store.canonical``); absent from records written before release 2."""


class IntakeStep(ContractModel):
    """The case was opened for an event."""

    step: Literal["intake"] = "intake"
    source: str
    source_event_id: str
    initiated_by: str | None = None
    event_digest: Digest = None
    """The event row as stored (source, ids, event JSON, initiated_by)."""


class EnrichStep(ContractModel):
    """What the network knows about the event (the looked-up objects themselves are in the
    case's context; the record names them)."""

    step: Literal["enrich"] = "enrich"
    order_id: Identifier | None = None
    customer_id: Identifier | None = None
    shipment_id: Identifier | None = None
    skus: list[str] = Field(default_factory=list)
    inventory_positions: int = 0
    lanes: int = 0
    missing: list[str] = Field(default_factory=list)
    warnings: list[str] = Field(
        default_factory=list,
        description="What a person must see before anything is done automatically: a sender "
        "who is not a known contact of the customer, a look-alike of a customer's domain.",
    )


class PrecedentEvidence(ContractModel):
    """A similar closed case, recorded beside a classification (never deciding it)."""

    case_id: Identifier
    category: Category | None = None
    similarity: float


class ClassificationEvidence(ContractModel):
    """What a classification rests on beyond its input."""

    terms: list[str] = Field(
        default_factory=list, description="The words that weighed most for the category."
    )
    precedents: list[PrecedentEvidence] = Field(default_factory=list)


class ClassifyStep(ClassificationProposal):
    """The classifier's proposal and how it was made."""

    step: Literal["classify"] = "classify"
    engine: EngineName
    evidence: ClassificationEvidence = Field(default_factory=ClassificationEvidence)


class SeverityStep(ContractModel):
    """Severity from revenue at risk, tier and time to the promise."""

    step: Literal["assess_severity"] = "assess_severity"
    severity: Severity
    points: int
    explanation: str


class RouteStep(ContractModel):
    """Where the case goes; a triage approval when a person must classify it."""

    step: Literal["route"] = "route"
    route: Route
    approval_id: Identifier | None = None
    approval_digest: Digest = None
    """What the approval it opened asks (kind, role, proposal, reason, decisions, exclusions)."""


class RecommendationStep(FulfillmentRecommendation):
    """The fulfilment recommender's ranked options."""

    step: Literal["recommend_fulfillment"] = "recommend_fulfillment"


class ExtractionStep(DocumentProposal):
    """What the document extractor read and the resolution it leads to."""

    step: Literal["extract_document"] = "extract_document"


class CreditStep(CreditReview):
    """The credit proposal for finance."""

    step: Literal["review_credit"] = "review_credit"


class DraftStep(CustomerMessageProposal):
    """The customer drafter's message and the request it answers."""

    step: Literal["draft_customer_message"] = "draft_customer_message"


class PolicyCheckStep(ContractModel):
    """The policies' verdict on a stage's proposal; an approval when a person must decide."""

    step: Literal["check_policies"] = "check_policies"
    stage: Stage
    verdict: str = Field(description="Why the proposal stopped, or why it may proceed.")
    status: CaseStatus
    approval_id: Identifier | None = None
    approval_digest: Digest = None
    """What the approval it opened asks (kind, role, proposal, reason, decisions, exclusions)."""


class GateStep(ContractModel):
    """A person's decision on an approval."""

    step: Literal["approval_gate"] = "approval_gate"
    approval_id: Identifier
    kind: ApprovalKind
    decision: ApprovalDecision
    user: str
    via: DecisionVia | None = Field(
        default=None, description="session, api_key or cli (absent before release 2)."
    )
    via_key: str | None = Field(default=None, description="The API key's id, with api_key.")
    comment: str | None = None
    edited_proposal: ApprovalEdit | None = None
    stage: Stage | None = Field(default=None, description="The stage decided (not for triage).")
    category: Category | None = Field(
        default=None, description="The category a person gave (triage only)."
    )


class EscalateStep(ContractModel):
    """An approval waited past its SLA; the case went to senior attention."""

    step: Literal["escalate"] = "escalate"
    approval_id: Identifier
    required_role: Role
    waited_hours: float
    sla_hours: float


class ExecuteStep(ContractModel):
    """The approved writes committed to the outbox."""

    step: Literal["execute"] = "execute"
    actions: list[str] = Field(default_factory=list)
    outbox_ids: list[Identifier] = Field(default_factory=list)
    outbox_digests: Annotated[
        dict[Identifier, str] | None, Field(exclude_if=lambda value: value is None)
    ] = None
    """Each committed outbox row (kind, dedupe key, payload with its recipient), by id."""


class ResolveStep(ContractModel):
    """The case closed."""

    step: Literal["resolve"] = "resolve"
    status: CaseStatus
    stages_done: list[Stage] = Field(default_factory=list)
    note: str | None = None
    resolution: str | None = Field(
        default=None,
        description="Why the case ended as it did (CONTRACT §7): `no_action`, `monitor`, or "
        "the action taken; None for a rejected case and records written before release 2.",
    )


class DeliverStep(ContractModel):
    """An outbox message was delivered, or given up on after its last attempt."""

    step: Literal["deliver"] = "deliver"
    outbox_id: Identifier
    kind: OutboxKind
    status: Literal["sent", "dead"]
    attempts: int
    response: DeliveryResponse | None = None
    error: str | None = None


class ReplayStep(ContractModel):
    """A person sent a dead outbox message back for delivery."""

    step: Literal["replay"] = "replay"
    outbox_id: Identifier
    user: str


class FailStep(ContractModel):
    """A step failed; the case stops with the reason (never silently dropped)."""

    step: Literal["fail"] = "fail"
    reason: str


StepOutput = Annotated[
    IntakeStep
    | EnrichStep
    | ClassifyStep
    | SeverityStep
    | RouteStep
    | RecommendationStep
    | ExtractionStep
    | CreditStep
    | DraftStep
    | PolicyCheckStep
    | GateStep
    | EscalateStep
    | ExecuteStep
    | ResolveStep
    | DeliverStep
    | ReplayStep
    | FailStep,
    Field(discriminator="step"),
]
"""What one step decided; ``step`` says which."""

StepName = Literal[
    "intake",
    "enrich",
    "classify",
    "assess_severity",
    "route",
    "recommend_fulfillment",
    "extract_document",
    "review_credit",
    "draft_customer_message",
    "check_policies",
    "approval_gate",
    "escalate",
    "execute",
    "resolve",
    "deliver",
    "replay",
    "fail",
]
"""Every step that writes a decision record."""
