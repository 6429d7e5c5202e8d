"""Proposal nodes: each stage's agent tool (or deterministic rule) proposes; nothing is
written to any system of record here. Each is a stage's ``produce`` function
(``exdesk.workflows.stages``), bound to the workflow's dependencies by the graph."""

from __future__ import annotations

from opentelemetry.trace import SpanKind
from pydantic import BaseModel

from exdesk.agents.document_extractor.contract import ExtractionRequest
from exdesk.agents.fulfillment_recommender.contract import RecommendationRequest
from exdesk.domain import (
    CreditStep,
    DocumentExtraction,
    DraftStep,
    ExtractionStep,
    FulfillmentRecommendation,
    ModelUsage,
    RecommendationStep,
    Stage,
)
from exdesk.errors import ExtractionError
from exdesk.store.cases import CaseUpdate
from exdesk.store.validated_documents import DOCUMENTS
from exdesk.workflows.credit import review_credit as credit_review
from exdesk.workflows.deps import WorkflowDeps
from exdesk.workflows.documents import propose_resolution, stated_direction
from exdesk.workflows.facts import draft_request
from exdesk.workflows.state import PARTS, PROPOSAL_MODELS, CaseState, StateView, Update
from exdesk.workflows.steps import SpanSpec, StepResult


def agent_span(agent: str) -> SpanSpec:
    """How an agent's step appears in traces (``invoke_agent <agent>``)."""
    return SpanSpec(
        f"invoke_agent {agent}",
        SpanKind.INTERNAL,
        {"gen_ai.agent.name": agent, "gen_ai.operation.name": "invoke_agent"},
    )


def proposed(state: CaseState, stage: Stage, seq: int, proposal: BaseModel) -> Update:
    """The state update of a proposal node: the stage under review and its proposal (as
    its stage's model, held for the nodes after it: they read it without validating it)."""
    model = PROPOSAL_MODELS[stage]
    raw = proposal.model_dump(mode="json", exclude={"step"})
    # the step's output less its name: the fields of the stage's model, validated already
    PARTS.remember(
        raw, model.model_construct(**{f: getattr(proposal, f) for f in model.model_fields})
    )
    return {
        "seq": seq,
        "stage": stage,
        "editors": [],
        "proposals": {**state.get("proposals", {}), stage: raw},
    }


def recommendation_request(view: StateView) -> RecommendationRequest | None:
    """The recommender's input, or None when the case names no order or customer."""
    event, context = view.event, view.context
    if context.order is None or context.customer is None:
        return None
    short: dict[str, int] = {}
    requested, picked = event.attributes.get("requested_qty"), event.attributes.get("picked_qty")
    if event.sku and isinstance(requested, int) and isinstance(picked, int) and requested > picked:
        short[event.sku] = requested - picked
    duplicate_of = event.attributes.get("duplicate_of")
    return RecommendationRequest(
        category=view.classification.category,
        summary=event.summary,
        order=context.order,
        customer=context.customer,
        shipment=context.shipment,
        inventory=context.inventory,
        warehouses=context.warehouses,
        lanes=context.lanes,
        skus=context.skus,
        affected_skus=[event.sku] if event.sku else [],
        short_qty=short,
        duplicate_of=duplicate_of if isinstance(duplicate_of, str) else None,
        as_of=event.occurred_at.date(),
        as_of_time=event.occurred_at,
    )


def recommend_fulfillment(deps: WorkflowDeps, state: CaseState) -> Update:
    """Ranked remediation options from the network data."""
    view = StateView(state)

    def compute() -> StepResult:
        request = recommendation_request(view)
        if request is None:
            recommendation = RecommendationStep(
                options=[],
                rationale="the event names no order (or its customer is unknown): "
                "there is nothing to re-plan automatically",
            )
            return StepResult(
                actor="system",
                inputs=state["event"],
                output=recommendation,
                case_update=CaseUpdate(recommendation=_plain(recommendation)),
            )
        outcome = deps.agents.recommender.recommend(request)
        output = RecommendationStep(**dict(outcome.output))
        return StepResult(
            actor=outcome.actor,
            inputs=DOCUMENTS.json_dump(request),
            output=output,
            model=outcome.model,
            case_update=CaseUpdate(recommendation=_plain(output)),
        )

    record = deps.recorder.record(
        state, "recommend_fulfillment", compute, agent_span("fulfillment_recommender")
    )
    assert isinstance(record.output, RecommendationStep)
    return proposed(state, "remediation", record.seq, record.output)


def extract_document(deps: WorkflowDeps, state: CaseState) -> Update:
    """Read the attached document and compare it with the order."""
    view = StateView(state)
    extractor = deps.agents.extractor

    def compute() -> StepResult:
        event, context = view.event, view.context
        extraction: DocumentExtraction | None = None
        error: str | None = None
        actor = f"agent:document_extractor@{extractor.engine}"
        model: ModelUsage | None = None
        if event.document is None:
            error = "the event carries no document"
            actor = "system"
        else:
            rules = deps.policy.document
            request = ExtractionRequest(
                document=event.document,
                order=context.order,
                skus=context.skus,
                direction=stated_direction(event),
                own_edi_ids=rules.own_edi_ids,
                own_names=rules.own_names,
            )
            try:
                outcome = extractor.extract(request)
                extraction, model = outcome.output, outcome.model
            except ExtractionError as failure:
                error = failure.message
        resolution = propose_resolution(view.classification.category, extraction, error, event)
        output = ExtractionStep(extraction=extraction, error=error, resolution=resolution)
        return StepResult(
            actor=actor,
            inputs=state["event"],
            output=output,
            confidence=min(extraction.confidence.values(), default=None) if extraction else None,
            model=model,
            case_update=CaseUpdate(
                extraction=extraction.model_dump(mode="json") if extraction else None,
                extraction_error=error,
            ),
        )

    record = deps.recorder.record(
        state, "extract_document", compute, agent_span("document_extractor")
    )
    assert isinstance(record.output, ExtractionStep)
    update = proposed(state, "document", record.seq, record.output)
    update["extraction_error"] = record.output.error
    return update


def review_credit(deps: WorkflowDeps, state: CaseState) -> Update:
    """Exposure against the credit limit, for finance to decide."""
    context = StateView(state).context
    review = credit_review(context)
    record = deps.recorder.record(
        state,
        "review_credit",
        lambda: StepResult(
            actor="system",
            inputs={
                "customer": context.customer.customer_id if context.customer else None,
                "order": context.order.order_id if context.order else None,
            },
            output=CreditStep(**dict(review)),
        ),
    )
    assert isinstance(record.output, CreditStep)
    return proposed(state, "credit", record.seq, record.output)


def draft_customer_message(deps: WorkflowDeps, state: CaseState) -> Update:
    """A customer e-mail stating only the case's approved facts."""
    view = StateView(state)
    request = draft_request(
        state["case_id"],
        view.classification.category,
        view.event,
        view.context,
        remediation=view.remediation,
        credit=view.credit,
    )

    customer = view.context.customer
    recipient = customer.contact.email if customer is not None else None

    def compute() -> StepResult:
        outcome = deps.agents.drafter.draft(request)
        # The recipient is the contact on file, whatever the drafter (or a model) wrote.
        draft = outcome.output.model_copy(update={"to": recipient})
        return StepResult(
            actor=outcome.actor,
            inputs=request.model_dump(mode="json"),
            output=DraftStep(draft=draft, request=request),
            model=outcome.model,
            case_update=CaseUpdate(draft=draft.model_dump(mode="json")),
        )

    record = deps.recorder.record(
        state, "draft_customer_message", compute, agent_span("customer_drafter")
    )
    assert isinstance(record.output, DraftStep)
    return proposed(state, "customer_message", record.seq, record.output)


def _plain(recommendation: FulfillmentRecommendation) -> dict[str, object]:
    """A recommendation as the case projection stores it (without the step name)."""
    return recommendation.model_dump(mode="json", exclude={"step"})
