"""Proposal nodes: each stage's agent tool (or deterministic rule) proposes; nothing is
written to any system of record here."""

from __future__ import annotations

from opentelemetry.trace import SpanKind

from exdesk.agents.document_extractor.contract import ExtractionRequest
from exdesk.agents.fulfillment_recommender.contract import RecommendationRequest
from exdesk.domain import (
    CaseClassification,
    DocumentExtraction,
    ExceptionEvent,
    FulfillmentRecommendation,
)
from exdesk.domain.context import CaseContext
from exdesk.errors import ExtractionError
from exdesk.store.cases import CaseUpdate
from exdesk.workflows.credit import review_credit
from exdesk.workflows.deps import WorkflowDeps
from exdesk.workflows.documents import propose_resolution
from exdesk.workflows.facts import draft_request
from exdesk.workflows.nodes.analysis import Update, context_of, event_of
from exdesk.workflows.routing import Stage
from exdesk.workflows.state import CaseState
from exdesk.workflows.steps import SpanSpec, StepResult


def _agent_span(agent: str) -> SpanSpec:
    return SpanSpec(
        f"invoke_agent {agent}",
        SpanKind.INTERNAL,
        {"gen_ai.agent.name": agent, "gen_ai.operation.name": "invoke_agent"},
    )


def _proposed(state: CaseState, stage: Stage, seq: int, proposal: dict[str, object]) -> Update:
    return {
        "seq": seq,
        "stage": stage,
        "editors": [],
        "proposals": {**state.get("proposals", {}), stage: proposal},
    }


def recommendation_request(
    state: CaseState, event: ExceptionEvent, context: CaseContext
) -> RecommendationRequest | None:
    """The recommender's input, or None when the case names no order or customer."""
    if context.order is None or context.customer is None:
        return None
    category = CaseClassification.model_validate(state["classification"]).category
    short: dict[str, int] = {}
    requested, picked = event.attributes.get("requested_qty"), event.attributes.get("picked_qty")
    if event.sku and isinstance(requested, int) and isinstance(picked, int) and requested > picked:
        short[event.sku] = requested - picked
    duplicate_of = event.attributes.get("duplicate_of")
    return RecommendationRequest(
        category=category,
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
    )


class ProposalNodes:
    """One node per stage that produces a proposal."""

    def __init__(self, deps: WorkflowDeps) -> None:
        self._deps = deps

    def recommend_fulfillment(self, state: CaseState) -> Update:
        """Ranked remediation options from the network data."""
        recommender = self._deps.agents.recommender
        event, context = event_of(state), context_of(state)

        def compute() -> StepResult:
            request = recommendation_request(state, event, context)
            if request is None:
                recommendation = FulfillmentRecommendation(
                    options=[],
                    rationale="the event names no order (or its customer is unknown): "
                    "there is nothing to re-plan automatically",
                )
                return StepResult(
                    actor="system",
                    inputs=state["event"],
                    output=recommendation.model_dump(mode="json"),
                    case_update=CaseUpdate(recommendation=recommendation.model_dump(mode="json")),
                )
            outcome = recommender.recommend(request)
            payload = outcome.output.model_dump(mode="json")
            return StepResult(
                actor=outcome.actor,
                inputs=request.model_dump(mode="json"),
                output=payload,
                model=outcome.model,
                case_update=CaseUpdate(recommendation=payload),
            )

        record = self._deps.recorder.record(
            state, "recommend_fulfillment", compute, _agent_span("fulfillment_recommender")
        )
        return _proposed(state, "remediation", record.seq, record.output)

    def extract_document(self, state: CaseState) -> Update:
        """Read the attached document and compare it with the order."""
        extractor = self._deps.agents.extractor
        event, context = event_of(state), context_of(state)
        category = CaseClassification.model_validate(state["classification"]).category

        def compute() -> StepResult:
            extraction: DocumentExtraction | None = None
            error: str | None = None
            actor = f"agent:document_extractor@{extractor.engine}"
            model = None
            if event.document is None:
                error = "the event carries no document"
                actor = "system"
            else:
                request = ExtractionRequest(
                    document=event.document, order=context.order, skus=context.skus
                )
                try:
                    outcome = extractor.extract(request)
                    extraction, model = outcome.output, outcome.model
                except ExtractionError as failure:
                    error = failure.message
            resolution = propose_resolution(category, extraction, error)
            extraction_json = extraction.model_dump(mode="json") if extraction else None
            return StepResult(
                actor=actor,
                inputs=state["event"],
                output={
                    "extraction": extraction_json,
                    "error": error,
                    "resolution": resolution.model_dump(mode="json"),
                },
                confidence=min(extraction.confidence.values(), default=None)
                if extraction
                else None,
                model=model,
                case_update=CaseUpdate(extraction=extraction_json, extraction_error=error),
            )

        record = self._deps.recorder.record(
            state, "extract_document", compute, _agent_span("document_extractor")
        )
        update = _proposed(state, "document", record.seq, record.output)
        update["extraction_error"] = record.output["error"]
        return update

    def review_credit(self, state: CaseState) -> Update:
        """Exposure against the credit limit, for finance to decide."""
        context = context_of(state)
        review = review_credit(context)
        record = self._deps.recorder.record(
            state,
            "review_credit",
            lambda: StepResult(
                actor="system",
                inputs={
                    "customer": context.customer.customer_id if context.customer else None,
                    "order": context.order.order_id if context.order else None,
                },
                output=review.model_dump(mode="json"),
            ),
        )
        return _proposed(state, "credit", record.seq, record.output)

    def draft_customer_message(self, state: CaseState) -> Update:
        """A customer e-mail stating only the case's approved facts."""
        drafter = self._deps.agents.drafter
        category = CaseClassification.model_validate(state["classification"]).category
        request = draft_request(
            state["case_id"],
            category,
            event_of(state),
            context_of(state),
            state.get("proposals", {}),
        )

        def compute() -> StepResult:
            outcome = drafter.draft(request)
            draft = outcome.output.model_dump(mode="json")
            return StepResult(
                actor=outcome.actor,
                inputs=request.model_dump(mode="json"),
                output={"draft": draft, "request": request.model_dump(mode="json")},
                model=outcome.model,
                case_update=CaseUpdate(draft=draft),
            )

        record = self._deps.recorder.record(
            state, "draft_customer_message", compute, _agent_span("customer_drafter")
        )
        return _proposed(state, "customer_message", record.seq, record.output)
