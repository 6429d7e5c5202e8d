"""What became of a final case, in a few fields: the precedent a person looks for. The
workflow says how to read it from a case (``exdesk.workflows.stages.resolution_of``)."""

from __future__ import annotations

from datetime import datetime
from typing import Final, Literal

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


def resolved_at(case: Case) -> datetime:
    """When the case reached its final state: its closing record, else its last update."""
    closing = [d.at for d in case.decisions if d.step in {"resolve", "fail"}]
    return max(closing) if closing else case.updated_at
