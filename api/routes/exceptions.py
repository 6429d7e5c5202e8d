"""``POST /v1/exceptions``: take exceptions in, idempotently."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Response, status
from pydantic import BaseModel, TypeAdapter, ValidationError

from api.deps import DeskDep, Ingester
from exdesk.domain import Case, ExceptionEvent
from exdesk.errors import InputError

router = APIRouter(prefix="/v1/exceptions", tags=["exceptions"])

MAX_BATCH = 500
_EVENTS = TypeAdapter(list[ExceptionEvent])


class IngestResult(BaseModel):
    """One event's case, and whether this request created it."""

    created: bool
    case: Case


def parse_events(body: Any) -> tuple[list[ExceptionEvent], bool]:
    """The events of a body that is one event or a list; InputError names the bad field."""
    is_list = isinstance(body, list)
    if is_list and len(body) > MAX_BATCH:
        raise InputError(f"at most {MAX_BATCH} events per request", location="body")
    if not is_list and not isinstance(body, dict):
        raise InputError("the body must be an exception event or a list of them", location="body")
    try:
        events = _EVENTS.validate_python(body if is_list else [body])
    except ValidationError as error:
        first = error.errors()[0]
        loc = list(first["loc"])
        where = (f"[{loc[0]}]" if is_list else "") + "".join(
            f"[{p}]" if isinstance(p, int) else f".{p}" for p in loc[1:]
        )
        where = where.lstrip(".") or "body"
        raise InputError(f"{where}: {first['msg']}", location=where) from error
    return events, is_list


@router.post(
    "",
    responses={201: {"description": "A new case"}, 200: {"description": "The existing case"}},
)
def post_exceptions(
    body: Annotated[Any, Body(description="An ExceptionEvent, or a list of them.")],
    desk: DeskDep,
    principal: Ingester,
    response: Response,
) -> Case | list[IngestResult]:
    """Create a case per event and run it to its first stop.

    One event answers its case (201 new, 200 if the event was seen before); a list answers
    one result per event (201 if any case is new). Nothing is created unless every event
    of the request is valid.
    """
    events, is_list = parse_events(body)
    tenant = principal.tenant_id
    refs = desk.ingest(tenant, events, initiated_by=principal.user)
    response.status_code = (
        status.HTTP_201_CREATED if any(r.created for r in refs) else status.HTTP_200_OK
    )
    if not is_list:
        return desk.case(tenant, refs[0].case_id)
    return [IngestResult(created=r.created, case=desk.case(tenant, r.case_id)) for r in refs]
