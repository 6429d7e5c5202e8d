"""Analysis nodes: enrich, classify, assess severity, route."""

from __future__ import annotations

import logging

from opentelemetry.trace import SpanKind

from exdesk.agents.classifier.contract import ClassificationRequest
from exdesk.domain import (
    CaseClassification,
    ClassificationEvidence,
    ClassificationProposal,
    ClassifyStep,
    EnrichStep,
    ExceptionEvent,
    PrecedentEvidence,
    RouteStep,
    SeverityStep,
)
from exdesk.domain.events import event_text
from exdesk.policies.approvals import approver_role, excluded_deciders
from exdesk.policies.rules import confidence_threshold, informational_close
from exdesk.store.cases import CaseUpdate
from exdesk.store.network import NetworkReader
from exdesk.store.validated_documents import DOCUMENTS
from exdesk.tools.case_context import look_up_context
from exdesk.workflows.deps import WorkflowDeps
from exdesk.workflows.routing import route_case
from exdesk.workflows.severity import assess_severity as severity_of
from exdesk.workflows.severity import severity_inputs
from exdesk.workflows.state import PARTS, CaseState, PendingApproval, StateView, Update
from exdesk.workflows.steps import ApprovalRequest, SpanSpec, StepResult

PRECEDENT_EVIDENCE = 3
"""How many similar closed cases the classification records as evidence."""

logger = logging.getLogger(__name__)


def enrich(deps: WorkflowDeps, state: CaseState) -> Update:
    """Read-only lookups of the order, customer, shipment, inventory and lanes.

    Lookups are read-only, so a re-run repeats them; the record is written once.
    """
    event = StateView(state).event
    with deps.db.connection() as conn:
        context = look_up_context(NetworkReader(conn, state["tenant_id"]), event)
    found = EnrichStep(
        order_id=context.order.order_id if context.order else None,
        customer_id=context.customer.customer_id if context.customer else None,
        shipment_id=context.shipment.shipment_id if context.shipment else None,
        skus=[s.sku for s in context.skus],
        inventory_positions=len(context.inventory),
        lanes=len(context.lanes),
        missing=context.missing,
        warnings=context.warnings,
    )
    record = deps.recorder.record(
        state,
        "enrich",
        lambda: StepResult(actor="system", inputs=state["event"], output=found),
        SpanSpec(
            "execute_tool look_up_context", attributes={"gen_ai.tool.name": "look_up_context"}
        ),
    )
    raw = DOCUMENTS.json_dump(context)  # its documents' parts shared: no one changes them
    PARTS.remember(raw, context)  # the next nodes read it without validating it again
    return {"seq": record.seq, "context": raw}


def classify(deps: WorkflowDeps, state: CaseState) -> Update:
    """Ask the classifier for a category and a calibrated confidence."""
    view = StateView(state)

    def compute() -> StepResult:
        request = ClassificationRequest(event=view.event, context=view.context)
        outcome = deps.agents.classifier.classify(request)
        proposal = outcome.output
        evidence = ClassificationEvidence(
            terms=outcome.evidence.terms,
            precedents=_precedents(deps, state, request.event),
        )
        classification = CaseClassification(
            category=proposal.category,
            confidence=proposal.confidence,
            engine=outcome.engine,
            rationale=proposal.rationale,
            informational=proposal.informational,
            signal=proposal.signal,
        )
        return StepResult(
            actor=outcome.actor,
            # the request's JSON; the context, by far its larger part, is in the state as such
            inputs={"event": request.event.model_dump(mode="json"), "context": view.context_json},
            output=ClassifyStep(**dict(proposal), engine=outcome.engine, evidence=evidence),
            confidence=proposal.confidence,
            model=outcome.model,
            case_update=CaseUpdate(
                status="classified",
                category=proposal.category,
                confidence=proposal.confidence,
                classification=classification.model_dump(mode="json"),
            ),
        )

    record = deps.recorder.record(
        state,
        "classify",
        compute,
        SpanSpec(
            "invoke_agent classifier",
            SpanKind.INTERNAL,
            {"gen_ai.agent.name": "classifier", "gen_ai.operation.name": "invoke_agent"},
        ),
    )
    out = record.output
    assert isinstance(out, ClassifyStep)
    classification = CaseClassification(
        category=out.category,
        confidence=out.confidence,
        engine=out.engine,
        rationale=out.rationale,
        informational=out.informational,
        signal=out.signal,
    )
    return {"seq": record.seq, "classification": classification.model_dump(mode="json")}


def _precedents(
    deps: WorkflowDeps, state: CaseState, event: ExceptionEvent
) -> list[PrecedentEvidence]:
    """The closed cases most like this event, as evidence recorded beside the
    classification (they never change it). Empty when search is off or fails."""
    if deps.precedents is None:
        return []
    try:
        index = deps.precedents()
        vector = index.embedder.embed([event_text(event)])[0]
        found = index.nearest_to(state["tenant_id"], vector, PRECEDENT_EVIDENCE)
    except Exception:  # evidence is optional; the classification stands without it
        logger.warning("precedent search failed for case %s", state["case_id"], exc_info=True)
        return []
    return [
        PrecedentEvidence(case_id=p.case_id, category=p.category, similarity=round(p.similarity, 3))
        for p in found
    ]


def assess_severity(deps: WorkflowDeps, state: CaseState) -> Update:
    """Severity from revenue at risk, tier and time to the promise — never a model."""
    view = StateView(state)
    inputs = severity_inputs(view.event, view.context, view.classification.category)
    assessment = severity_of(inputs, deps.policy.severity)
    classification = {**state["classification"], "severity": assessment.severity}
    record = deps.recorder.record(
        state,
        "assess_severity",
        lambda: StepResult(
            actor="system",
            inputs={
                "revenue_at_risk": str(inputs.revenue_at_risk),
                "tier": inputs.tier,
                "hours_to_promise": inputs.hours_to_promise,
                "orders_at_risk": inputs.orders_at_risk,
            },
            output=SeverityStep(
                severity=assessment.severity,
                points=assessment.points,
                explanation=assessment.explanation,
            ),
            case_update=CaseUpdate(severity=assessment.severity, classification=classification),
        ),
    )
    assert isinstance(record.output, SeverityStep)
    severity = record.output.severity
    return {
        "seq": record.seq,
        "severity": severity,
        "classification": {**state["classification"], "severity": severity},
    }


def route(deps: WorkflowDeps, state: CaseState) -> Update:
    """Route by category, thresholds and policy; open a triage approval when needed."""
    classification = StateView(state).classification
    proposal = ClassificationProposal(
        category=classification.category,
        confidence=classification.confidence,
        rationale=classification.rationale,
        informational=classification.informational and classification.engine != "human",
        signal=classification.signal,
    )
    closing = informational_close(deps.policy, proposal, StateView(state).context.warnings)
    policy = closing or confidence_threshold(deps.policy, proposal)
    routed = route_case(classification.category, policy)
    needs_human = routed == "triage" and classification.engine != "human" and closing is None
    role = approver_role(deps.policy, "classification")
    approval = None
    if needs_human:
        approval = ApprovalRequest(
            kind="classification",
            required_role=role,
            proposal=proposal,
            reason=policy.reason
            if policy.effect != "allow"
            else f"{classification.category} cases are classified by a person",
            excluded_users=excluded_deciders(state.get("initiated_by")),
        )
    record = deps.recorder.record(
        state,
        "route",
        lambda: StepResult(
            actor=f"policy:{policy.policy_id}",
            inputs=state["classification"],
            output=RouteStep(route=routed),
            policy_results=[policy],
            case_update=CaseUpdate(
                route=routed,
                status="awaiting_approval" if needs_human else None,
                policy_results=[policy.model_dump(mode="json")],
            ),
            approval=approval,
            anchor="awaiting_approval" if needs_human else None,
        ),
        SpanSpec(
            "apply_guardrail confidence-threshold",
            attributes={
                "gen_ai.guardrail.policy.id": policy.policy_id,
                "gen_ai.guardrail.policy.version": policy.version,
                "gen_ai.guardrail.result.type": policy.effect,
            },
        ),
    )
    out = record.output
    assert isinstance(out, RouteStep)
    pending: PendingApproval | None = None
    if out.approval_id is not None:
        pending = PendingApproval(
            approval_id=out.approval_id, kind="classification", required_role=role, stage=None
        )
    update: Update = {"seq": record.seq, "route": out.route, "pending_approval": pending}
    if closing is not None:
        update["outcome"] = "informational"
    elif routed == "triage" and not needs_human:
        update["outcome"] = "closed"
    return update
