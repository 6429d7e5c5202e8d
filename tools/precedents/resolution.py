"""What became of a final case, in a few fields: the precedent a person looks for."""

from __future__ import annotations

from datetime import datetime
from typing import Any, Final, Literal

from pydantic import BaseModel, Field

from exdesk.domain import (
    ApprovalKind,
    Case,
    CaseStatus,
    Category,
    CreditAction,
    DocumentAction,
    FulfillmentAction,
    Route,
)

PrecedentStatus = Literal["resolved", "rejected"]
"""The final states a precedent can be in. A ``failed`` case is a system failure, not a way
of handling an exception, so it is never offered as a precedent."""

PRECEDENT_STATUSES: Final[frozenset[CaseStatus]] = frozenset({"resolved", "rejected"})


class Resolution(BaseModel):
    """How a final case was handled and by whom (stored as JSON beside its embedding)."""

    status: PrecedentStatus
    route: Route | None = None
    category: Category | None = None
    remediation_action: FulfillmentAction | None = Field(
        default=None, description="The fulfilment option carried out (approved or allowed)."
    )
    partner_action: DocumentAction | None = Field(
        default=None, description="What was done about a partner's document or transmission."
    )
    credit_action: CreditAction | None = None
    actions: list[str] = Field(
        default_factory=list, description="Kinds of the outbox messages the case committed to."
    )
    approved_by: list[str] = Field(default_factory=list)
    rejected_kind: ApprovalKind | None = Field(
        default=None, description="Which proposal a person rejected, for a rejected case."
    )
    rejected_by: str | None = None


def _first_action(payloads: list[dict[str, Any]], *paths: tuple[str | int, ...]) -> Any:
    """The first value found at any of ``paths`` (keys, or list positions) in the payloads."""
    for payload in payloads:
        for path in paths:
            value: Any = payload
            for key in path:
                if isinstance(key, int):
                    value = value[key] if isinstance(value, list) and len(value) > key else None
                else:
                    value = value.get(key) if isinstance(value, dict) else None
            if value is not None:
                return value
    return None


def resolution_of(case: Case) -> Resolution:
    """The resolution summary of a final case, from its outbox and its decided approvals.

    The outbox holds what was executed; approvals supply what no message records (a
    document accepted as it is, a credit hold a person kept) and who decided.
    """
    if case.status not in PRECEDENT_STATUSES:
        raise ValueError(f"case {case.case_id} is {case.status}, not resolved or rejected")
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for message in case.actions:
        by_kind.setdefault(message.kind, []).append(message.payload)
    approved: dict[str, list[dict[str, Any]]] = {}
    for approval in case.approvals:
        if approval.status == "approved":
            approved.setdefault(approval.kind, []).append(approval.proposal)
    rejected = next((a for a in case.approvals if a.status == "rejected"), None)
    return Resolution(
        status="rejected" if case.status == "rejected" else "resolved",
        route=case.route,
        category=case.classification.category if case.classification else None,
        remediation_action=_first_action(by_kind.get("remediation", []), ("option", "action"))
        or _first_action(approved.get("remediation", []), ("action",), ("options", 0, "action")),
        partner_action=_first_action(by_kind.get("partner_notice", []), ("action",))
        or _first_action(approved.get("document", []), ("resolution", "action"), ("action",)),
        credit_action=_first_action(by_kind.get("credit_decision", []), ("action",))
        or _first_action(approved.get("credit", []), ("action",)),
        actions=sorted({message.kind for message in case.actions}),
        approved_by=approvers(case),
        rejected_kind=rejected.kind if rejected else None,
        rejected_by=rejected.decided_by if rejected else None,
    )


def approvers(case: Case) -> list[str]:
    """Who approved any of the case's proposals, sorted, each once."""
    return sorted({a.decided_by for a in case.approvals if a.status == "approved" and a.decided_by})


def resolved_at(case: Case) -> datetime:
    """When the case reached its final state: its closing record, else its last update."""
    closing = [d.at for d in case.decisions if d.step in {"resolve", "fail"}]
    return max(closing) if closing else case.updated_at
