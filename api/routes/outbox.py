"""``GET /v1/outbox`` and ``POST /v1/outbox/{outbox_id}/replay``: delivery, and the dead
letters a person sends back."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from exdesk.api.deps import DeskDep, Operator
from exdesk.api.errors import error_responses
from exdesk.domain import DeliveryStatus, OutboxMessage

router = APIRouter(
    prefix="/v1/outbox", tags=["outbox"], responses=error_responses(401, 403, 429, 503)
)


class OutboxList(BaseModel):
    """The tenant's outbox messages, newest first."""

    messages: list[OutboxMessage]


@router.get("", responses=error_responses(422))
def list_outbox(
    desk: DeskDep,
    principal: Operator,
    status: DeliveryStatus | None = None,
    limit: Annotated[int, Query(ge=1, le=500)] = 100,
) -> OutboxList:
    """Messages and how their delivery stands; ``status=dead`` lists the dead letters."""
    return OutboxList(messages=desk.outbox(principal.tenant_id, status, limit))


@router.post("/{outbox_id}/replay", responses=error_responses(404, 409, 413, 422))
def replay(outbox_id: str, desk: DeskDep, principal: Operator) -> OutboxMessage:
    """Send a dead message back for delivery (409 unless it is dead); recorded in its case's
    decision log as the caller's."""
    return desk.replay(principal.tenant_id, outbox_id, principal.user)
