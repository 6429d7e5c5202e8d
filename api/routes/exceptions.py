"""``POST /v1/exceptions``: take exceptions in, idempotently."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Response, status
from pydantic import BaseModel, Field

from exdesk.api.deps import DeskDep, Ingester, WaitSeconds
from exdesk.api.errors import error_responses
from exdesk.api.openapi import documented_as
from exdesk.domain import Case, ExceptionEvent
from exdesk.errors import InputError
from exdesk.validation import validated

router = APIRouter(
    prefix="/v1/exceptions",
    tags=["exceptions"],
    responses=error_responses(401, 403, 409, 413, 422, 429, 503),
)

MAX_BATCH = 500

EventsBody = Annotated[
    Any,
    documented_as(
        ExceptionEvent | Annotated[list[ExceptionEvent], Field(min_length=1, max_length=MAX_BATCH)]
    ),
    Body(description=f"An ExceptionEvent, or a list of 1 to {MAX_BATCH} of them."),
]
"""One event or a list, validated by ``parse_events`` (all or nothing, located problems)."""


class IngestResult(BaseModel):
    """One event's case, and whether this request created it."""

    created: bool
    case: Case


IngestAnswer = Case | list[IngestResult]
"""One event's case, or one result per event of a list."""


def parse_events(body: Any) -> tuple[list[ExceptionEvent], bool]:
    """The events of a body that is one event or a list; InputError names the bad field
    (``[2].occurred_at`` in a list). Nothing is accepted unless every event is valid."""
    is_list = isinstance(body, list)
    items = body if is_list else [body]
    if is_list and not items:
        raise InputError("the list of events is empty", location="body")
    if len(items) > MAX_BATCH:
        raise InputError(f"at most {MAX_BATCH} events per request", location="body")
    events = []
    for index, item in enumerate(items):
        if not isinstance(item, dict):
            where = f"[{index}]" if is_list else "body"
            raise InputError(f"{where}: an exception event must be a JSON object", location=where)
        events.append(validated(ExceptionEvent, item, f"[{index}]" if is_list else ""))
    return events, is_list


@router.post(
    "",
    responses={
        200: {"description": "Every event was seen before: its case, or one result per event"},
        201: {"model": IngestAnswer, "description": "A new case (of a list: at least one)"},
    },
)
def post_exceptions(
    body: EventsBody,
    desk: DeskDep,
    principal: Ingester,
    response: Response,
    wait: WaitSeconds = 0,
) -> IngestAnswer:
    """Store a case per event; workers run it (or, in inline mode, this request does).

    One event answers its case (201 new, 200 if the event was seen before); a list answers
    one result per event (201 if any case is new). Nothing is stored unless every event
    of the request is valid and belongs to the caller's tenant: a list is all or nothing.
    An event re-sent with the same ``source`` and ``source_event_id`` and the same content
    answers its case (200); with other content it answers 409 and nothing of the request is
    stored (new information needs a new ``source_event_id``). With ``wait``, a single
    event's answer waits up to that many seconds for the case's first stop (waiting for a
    person, or closed); otherwise the case is answered as stored (``received``).
    """
    events, is_list = parse_events(body)
    tenant = principal.tenant_id
    try:
        refs = desk.accept(tenant, events, initiated_by=principal.user)
    except InputError as error:
        if not is_list and error.location and error.location.startswith("[0]"):
            error.location = error.location.removeprefix("[0].")
        raise
    response.status_code = (
        status.HTTP_201_CREATED if any(r.created for r in refs) else status.HTTP_200_OK
    )
    if not is_list:
        if wait and desk.queued:
            desk.wait_for_stop(tenant, refs[0].case_id, wait)
        return desk.case(tenant, refs[0].case_id)
    return [IngestResult(created=r.created, case=desk.case(tenant, r.case_id)) for r in refs]
