"""``POST /v1/exceptions``: take exceptions in, idempotently."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Body, Response, status
from pydantic import BaseModel

from api.deps import DeskDep, Ingester
from exdesk.domain import Case, ExceptionEvent

router = APIRouter(prefix="/v1/exceptions", tags=["exceptions"])

MAX_BATCH = 500


class IngestResult(BaseModel):
    """One event's case, and whether this request created it."""

    created: bool
    case: Case


@router.post(
    "",
    responses={201: {"description": "A new case"}, 200: {"description": "The existing case"}},
)
def post_exceptions(
    events: Annotated[ExceptionEvent | list[ExceptionEvent], Body()],
    desk: DeskDep,
    principal: Ingester,
    response: Response,
) -> Case | list[IngestResult]:
    """Create a case per event and run it to its first stop.

    One event answers its case (201 new, 200 if the event was seen before); a list answers
    one result per event (201 if any case is new).
    """
    tenant = principal.tenant_id
    batch = events if isinstance(events, list) else [events]
    if len(batch) > MAX_BATCH:
        from exdesk.errors import InputError

        raise InputError(f"at most {MAX_BATCH} events per request", location="body")
    refs = desk.ingest(tenant, batch, initiated_by=principal.user)
    response.status_code = (
        status.HTTP_201_CREATED if any(r.created for r in refs) else status.HTTP_200_OK
    )
    if not isinstance(events, list):
        return desk.case(tenant, refs[0].case_id)
    return [IngestResult(created=r.created, case=desk.case(tenant, r.case_id)) for r in refs]
