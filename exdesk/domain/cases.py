"""A case as stored and served: its classification, proposals, approvals and decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final, Literal

from pydantic import Field, model_validator

from exdesk.domain._base import Confidence, ContractModel, Identifier
from exdesk.domain.actions import DeliveryResponse, DeliveryStatus, OutboxKind, OutboxPayload
from exdesk.domain.approvals import Approval, PolicyResult
from exdesk.domain.events import ExceptionEvent
from exdesk.domain.proposals import (
    CustomerDraft,
    DocumentExtraction,
    EngineChoice,
    EngineName,
    FallbackChoice,
    FulfillmentRecommendation,
)
from exdesk.domain.steps import StepOutput
from exdesk.domain.taxonomy import CaseStatus, Category, EventSource, Role, Route, Severity


class CaseClassification(ContractModel):
    """The category the workflow settled on, and how sure it is."""

    category: Category
    confidence: Confidence
    severity: Severity | None = None
    engine: EngineName | Literal["human"]
    rationale: str = ""
    informational: bool = Field(
        default=False, description="The classifier read routine progress, not an exception."
    )
    signal: str | None = Field(default=None, description="The code that decided, if any.")


class ShadowRun(ContractModel):
    """What the model answered alongside the deciding local engine (``engine = shadow``);
    recorded only, it never changes the case."""

    output: dict[str, Any] | None = None
    """The model's proposal (None when it failed)."""
    agreement: bool | None = None
    """Whether it agrees with the decision (the agent says what agreeing means)."""
    failure: str | None = None
    """Why the model gave no proposal."""


class ModelUsage(ContractModel):
    """Which model produced an output, under which prompt, at what token cost; and, for
    the combined engines, which engine decided and why (release 3 adds every field after
    ``output_tokens``, all optional)."""

    provider: str
    model: str
    prompt_version: str
    input_tokens: int | None = None
    output_tokens: int | None = None
    prompt_id: str | None = None
    engine: EngineChoice | None = None
    """The engine the settings selected for the agent."""
    decided_by: EngineName | None = None
    """Which engine's answer the case uses."""
    reason: str | None = None
    """Why that engine decided (a cascade's routing, a fallback's cause)."""
    turns: int | None = None
    """Model requests made (0: the model was not asked)."""
    tool_calls: list[str] = Field(default_factory=list)
    """The tools the model called, in order."""
    retries: int | None = None
    latency_ms: int | None = None
    failure: str | None = None
    """What failed, when the model gave no usable answer."""
    fallback: FallbackChoice | None = None
    """What was used instead of the model's answer."""
    shadow: ShadowRun | None = None


ACTOR_PATTERN: Final = r"^(agent:[a-z_]+@[a-z]+|policy:[\w.-]+|human:.+|system)$"
"""Who decided a step: ``agent:<name>@<engine>``, ``policy:<id>``, ``human:<user>``,
``system``."""


class DecisionRecord(ContractModel):
    """One step of one case, hash-chained to the step before it (CONTRACT §5)."""

    tenant_id: Identifier
    case_id: Identifier
    seq: int = Field(ge=1)
    at: datetime
    step: str
    actor: str = Field(
        description="agent:<name>@<engine>, policy:<id>, human:<user> or system",
        pattern=ACTOR_PATTERN,
    )
    inputs_digest: str
    output: StepOutput
    confidence: Confidence | None = None
    policy_results: list[PolicyResult] = Field(default_factory=list)
    model: ModelUsage | None = None
    trace_id: str | None = None
    span_id: str | None = None
    prev_hash: str
    hash: str

    @model_validator(mode="before")
    @classmethod
    def _output_names_its_step(cls, data: Any) -> Any:
        """Records written before outputs carried ``step`` read as the record's step."""
        if isinstance(data, dict):
            output = data.get("output")
            if isinstance(output, dict) and "step" not in output and "step" in data:
                data = {**data, "output": {"step": data["step"], **output}}
        return data

    @model_validator(mode="after")
    def _output_is_of_its_step(self) -> DecisionRecord:
        if self.output.step != self.step:
            raise ValueError(f"a {self.step} record holds a {self.output.step} output")
        return self


class OutboxMessage(ContractModel):
    """A write the execute step committed to, and how its delivery stands (CONTRACT §7):
    ``pending``, ``sent`` (with the receiver's answer), ``retrying`` (attempts, next try) or
    ``dead`` (with the last error; can be replayed)."""

    outbox_id: Identifier
    case_id: Identifier
    kind: OutboxKind
    payload: OutboxPayload
    status: DeliveryStatus
    created_at: datetime
    attempts: int = 0
    next_attempt_at: datetime | None = None
    last_error: str | None = None
    response: DeliveryResponse | None = None
    sent_at: datetime | None = None


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
    resolution: str | None = Field(
        default=None,
        description="How a closed case ended (CONTRACT §7): `no_action` (an informational "
        "event closed under a policy, or nothing to send), `monitor` (the promise still holds), "
        "or the action taken (`reship`, `release_hold`, `notify_customer`…); None while open "
        "and for a rejected case.",
    )
    warnings: list[str] = Field(
        default_factory=list,
        description="What the enrich step flagged for a person (an unknown sender, a "
        "look-alike domain); a case with warnings is never acted on automatically.",
    )
    created_at: datetime
    updated_at: datetime


SUMMARY_LENGTH = 280
"""Characters of the event's summary a list page shows."""


class CaseSummary(ContractModel):
    """A case as a list page shows it: what a queue needs to pick it; ``GET
    /v1/cases/{id}`` answers the rest (the event's documents, proposals, records)."""

    case_id: Identifier
    tenant_id: Identifier
    status: CaseStatus
    source: EventSource
    source_event_id: str
    summary: str = Field(description=f"The event's summary, at most {SUMMARY_LENGTH} characters.")
    order_id: str | None = None
    customer_id: str | None = None
    category: Category | None = None
    confidence: float | None = None
    severity: Severity | None = None
    route: Route | None = None
    waiting_for: list[Role] = Field(
        default_factory=list, description="The roles of the case's pending approvals."
    )
    resolution: str | None = None
    warnings: int = Field(default=0, description="How many warnings the case carries.")
    created_at: datetime
    updated_at: datetime

    @classmethod
    def of(cls, case: Case) -> CaseSummary:
        """The summary of a case."""
        event, classification = case.event, case.classification
        summary = event.summary
        if len(summary) > SUMMARY_LENGTH:
            summary = summary[: SUMMARY_LENGTH - 1] + "…"
        return cls(
            case_id=case.case_id,
            tenant_id=case.tenant_id,
            status=case.status,
            source=event.source,
            source_event_id=event.source_event_id,
            summary=summary,
            order_id=event.order_id,
            customer_id=event.customer_id,
            category=classification.category if classification else None,
            confidence=classification.confidence if classification else None,
            severity=classification.severity if classification else None,
            route=case.route,
            waiting_for=[a.required_role for a in case.approvals if a.status == "pending"],
            resolution=case.resolution,
            warnings=len(case.warnings),
            created_at=case.created_at,
            updated_at=case.updated_at,
        )
