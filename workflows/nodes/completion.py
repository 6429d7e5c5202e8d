"""Completion nodes: execute what was approved (outbox rows, once), then resolve."""

from __future__ import annotations

from typing import Any

from exdesk.domain import CaseStatus, CreditReview, DocumentResolution
from exdesk.store.cases import CaseUpdate
from exdesk.tools.references import find_references
from exdesk.workflows.deps import WorkflowDeps
from exdesk.workflows.facts import approved_option
from exdesk.workflows.nodes.analysis import Update, context_of, event_of
from exdesk.workflows.state import CaseState
from exdesk.workflows.steps import OutboxRequest, StepResult


def outbox_requests(state: CaseState) -> list[OutboxRequest]:
    """The writes the approved stages commit to, one per stage (its dedupe key)."""
    proposals = state.get("proposals", {})
    context, event = context_of(state), event_of(state)
    order_id = context.order.order_id if context.order else event.order_id
    requests: list[OutboxRequest] = []
    for stage in state.get("stages_done", []):
        if stage == "remediation":
            option = approved_option(proposals)
            if option is not None:
                requests.append(
                    OutboxRequest(
                        "remediation",
                        "remediation",
                        {"order_id": order_id, "option": option.model_dump(mode="json")},
                    )
                )
        elif stage == "customer_message":
            recipient = context.customer.contact.email if context.customer else None
            if recipient is None:
                recipient = find_references(event.summary).sender_email
            requests.append(
                OutboxRequest(
                    "customer_message",
                    "customer_message",
                    {"to": recipient, "order_id": order_id, **proposals[stage]["draft"]},
                )
            )
        elif stage == "credit":
            review = CreditReview.model_validate(proposals[stage])
            requests.append(
                OutboxRequest("credit_decision", "credit", review.model_dump(mode="json"))
            )
        elif stage == "document":
            resolution = DocumentResolution.model_validate(proposals[stage]["resolution"])
            if resolution.action in {"request_corrected_document", "resubmit_transmission"}:
                requests.append(
                    OutboxRequest(
                        "partner_notice",
                        "document",
                        {
                            "order_id": order_id,
                            "source": event.source,
                            **resolution.model_dump(mode="json"),
                        },
                    )
                )
    return requests


class CompletionNodes:
    """The only nodes that commit writes, and only what was approved."""

    def __init__(self, deps: WorkflowDeps) -> None:
        self._deps = deps

    def execute(self, state: CaseState) -> Update:
        """Commit the approved writes to the outbox (each exactly once)."""
        requests = outbox_requests(state)
        record = self._deps.recorder.record(
            state,
            "execute",
            lambda: StepResult(
                actor="system",
                inputs={"stages": state.get("stages_done", [])},
                output={"actions": [r.kind for r in requests]},
                case_update=CaseUpdate(status="executing"),
                outbox=requests,
            ),
        )
        return {"seq": record.seq}

    def resolve(self, state: CaseState) -> Update:
        """Close the case: resolved, or rejected when a person rejected a proposal."""
        outcome = state.get("outcome", "open")
        status: CaseStatus = "rejected" if outcome == "rejected" else "resolved"
        summary: dict[str, Any] = {"status": status, "stages_done": state.get("stages_done", [])}
        if outcome == "closed":
            summary["note"] = "classified as other by a person: nothing to automate"
        record = self._deps.recorder.record(
            state,
            "resolve",
            lambda: StepResult(
                actor="system",
                inputs={"outcome": outcome},
                output=summary,
                case_update=CaseUpdate(status=status),
                anchor=status,
            ),
        )
        return {"seq": record.seq}
