"""Analysis nodes: enrich, classify, assess severity, route."""

from __future__ import annotations

import logging
from typing import Any

from opentelemetry.trace import SpanKind

from exdesk.agents.classifier.contract import ClassificationRequest
from exdesk.domain import CaseClassification, ClassificationProposal, ExceptionEvent
from exdesk.domain.context import CaseContext
from exdesk.domain.events import event_text
from exdesk.policies.rules import confidence_threshold
from exdesk.store.cases import CaseUpdate
from exdesk.store.network import NetworkReader
from exdesk.tools.case_context import look_up_context
from exdesk.workflows.deps import WorkflowDeps
from exdesk.workflows.routing import route_case
from exdesk.workflows.severity import assess_severity, severity_inputs
from exdesk.workflows.state import CaseState, PendingApproval
from exdesk.workflows.steps import ApprovalRequest, SpanSpec, StepResult

Update = dict[str, Any]

PRECEDENT_EVIDENCE = 3
"""How many similar closed cases the classification records as evidence."""

logger = logging.getLogger(__name__)


def event_of(state: CaseState) -> ExceptionEvent:
    """The case's event as a model."""
    return ExceptionEvent.model_validate(state["event"])


def context_of(state: CaseState) -> CaseContext:
    """What enrich looked up, as a model."""
    return CaseContext.model_validate(state.get("context") or {})


def excluded_users(state: CaseState, *more: str) -> list[str]:
    """Who may not decide this case's approvals: its initiator and the given editors."""
    users = [state.get("initiated_by") or "", *more]
    return sorted({user for user in users if user})


class AnalysisNodes:
    """From an event to a routed, classified case."""

    def __init__(self, deps: WorkflowDeps) -> None:
        self._deps = deps

    def enrich(self, state: CaseState) -> Update:
        """Read-only lookups of the order, customer, shipment, inventory and lanes.

        Lookups are read-only, so a re-run repeats them; the record is written once.
        """
        event = event_of(state)
        with self._deps.db.connection() as conn:
            context = look_up_context(NetworkReader(conn, state["tenant_id"]), event)
        found = {
            "order_id": context.order.order_id if context.order else None,
            "customer_id": context.customer.customer_id if context.customer else None,
            "shipment_id": context.shipment.shipment_id if context.shipment else None,
            "skus": [s.sku for s in context.skus],
            "inventory_positions": len(context.inventory),
            "lanes": len(context.lanes),
            "missing": context.missing,
        }
        record = self._deps.recorder.record(
            state,
            "enrich",
            lambda: StepResult(actor="system", inputs=state["event"], output=found),
            SpanSpec(
                "execute_tool look_up_context", attributes={"gen_ai.tool.name": "look_up_context"}
            ),
        )
        return {"seq": record.seq, "context": context.model_dump(mode="json")}

    def classify(self, state: CaseState) -> Update:
        """Ask the classifier for a category and a calibrated confidence."""
        classifier = self._deps.agents.classifier

        def compute() -> StepResult:
            request = ClassificationRequest(event=event_of(state), context=context_of(state))
            outcome = classifier.classify(request)
            proposal = outcome.output
            evidence = {**outcome.evidence, "precedents": self._precedents(state, request.event)}
            classification = CaseClassification(
                category=proposal.category,
                confidence=proposal.confidence,
                engine=outcome.engine,
                rationale=proposal.rationale,
            )
            return StepResult(
                actor=outcome.actor,
                inputs=request.model_dump(mode="json"),
                output={
                    **proposal.model_dump(mode="json"),
                    "engine": outcome.engine,
                    "evidence": evidence,
                },
                confidence=proposal.confidence,
                model=outcome.model,
                case_update=CaseUpdate(
                    status="classified",
                    category=proposal.category,
                    confidence=proposal.confidence,
                    classification=classification.model_dump(mode="json"),
                ),
            )

        record = self._deps.recorder.record(
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
        classification = CaseClassification(
            category=out["category"],
            confidence=out["confidence"],
            engine=out["engine"],
            rationale=out["rationale"],
        )
        return {"seq": record.seq, "classification": classification.model_dump(mode="json")}

    def _precedents(self, state: CaseState, event: ExceptionEvent) -> list[dict[str, Any]]:
        """The closed cases most like this event, as evidence recorded beside the
        classification (they never change it). Empty when search is off or fails."""
        if self._deps.precedents is None:
            return []
        try:
            index = self._deps.precedents()
            vector = index.embedder.embed([event_text(event)])[0]
            found = index.nearest_to(state["tenant_id"], vector, PRECEDENT_EVIDENCE)
        except Exception:  # evidence is optional; the classification stands without it
            logger.warning("precedent search failed for case %s", state["case_id"], exc_info=True)
            return []
        return [
            {"case_id": p.case_id, "category": p.category, "similarity": round(p.similarity, 3)}
            for p in found
        ]

    def assess_severity(self, state: CaseState) -> Update:
        """Severity from revenue at risk, tier and time to the promise — never a model."""
        inputs = severity_inputs(event_of(state), context_of(state))
        assessment = assess_severity(inputs, self._deps.policy.severity)
        classification = {**state["classification"], "severity": assessment.severity}
        record = self._deps.recorder.record(
            state,
            "assess_severity",
            lambda: StepResult(
                actor="system",
                inputs={
                    "revenue_at_risk": str(inputs.revenue_at_risk),
                    "tier": inputs.tier,
                    "hours_to_promise": inputs.hours_to_promise,
                },
                output={
                    "severity": assessment.severity,
                    "points": assessment.points,
                    "explanation": assessment.explanation,
                },
                case_update=CaseUpdate(severity=assessment.severity, classification=classification),
            ),
        )
        severity = record.output["severity"]
        return {
            "seq": record.seq,
            "severity": severity,
            "classification": {**state["classification"], "severity": severity},
        }

    def route(self, state: CaseState) -> Update:
        """Route by category, thresholds and policy; open a triage approval when needed."""
        classification = CaseClassification.model_validate(state["classification"])
        proposal = ClassificationProposal(
            category=classification.category,
            confidence=classification.confidence,
            rationale=classification.rationale,
        )
        policy = confidence_threshold(self._deps.policy, proposal)
        route = route_case(classification.category, policy)
        needs_human = route == "triage" and classification.engine != "human"
        approval = None
        if needs_human:
            approval = ApprovalRequest(
                kind="classification",
                required_role=self._deps.policy.triage_role,
                proposal={
                    "category": classification.category,
                    "confidence": classification.confidence,
                    "rationale": classification.rationale,
                },
                reason=policy.reason
                if policy.effect != "allow"
                else f"{classification.category} cases are classified by a person",
                excluded_users=excluded_users(state),
            )
        record = self._deps.recorder.record(
            state,
            "route",
            lambda: StepResult(
                actor=f"policy:{policy.policy_id}",
                inputs=state["classification"],
                output={"route": route},
                policy_results=[policy],
                case_update=CaseUpdate(
                    route=route,
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
        pending: PendingApproval | None = None
        if "approval_id" in record.output:
            pending = PendingApproval(
                approval_id=record.output["approval_id"],
                kind="classification",
                required_role=self._deps.policy.triage_role,
                stage=None,
            )
        update: Update = {
            "seq": record.seq,
            "route": record.output["route"],
            "pending_approval": pending,
        }
        if route == "triage" and not needs_human:
            update["outcome"] = "closed"
        return update
