"""``POST /v1/webhooks/{tenant_id}/{source}``: exception events pushed by a partner or a
carrier, authenticated by an HMAC signature over the timestamp and body instead of an API
key (``X-Exdesk-Signature: t=<unix seconds>,v1=<hex>``). A signature outside the time
tolerance, or one already accepted (a replay), is refused."""

from __future__ import annotations

import json
import os
from typing import Annotated, Any

from fastapi import APIRouter, Header, Request, Response, status
from starlette.concurrency import run_in_threadpool

from exdesk.api.deps import DeskDep
from exdesk.api.errors import error_responses
from exdesk.api.routes.exceptions import IngestAnswer, IngestResult, parse_events
from exdesk.delivery import (
    SIGNATURE_HEADER,
    SignatureError,
    inbound_secret_env,
    remember_signature,
    verify,
)
from exdesk.domain import EventSource
from exdesk.errors import AuthenticationError, ConflictError, InputError
from exdesk.service import ExceptionDesk
from exdesk.store.cases import CaseRef

router = APIRouter(
    prefix="/v1/webhooks",
    tags=["webhooks"],
    responses=error_responses(401, 409, 413, 422, 503),
)


@router.post(
    "/{tenant_id}/{source}",
    openapi_extra={"requestBody": {"content": {"application/json": {}}}},
    responses={
        200: {"description": "Every event was seen before"},
        201: {"model": IngestAnswer, "description": "A new case (of a list: at least one)"},
    },
)
async def receive(
    tenant_id: str,
    source: EventSource,
    request: Request,
    response: Response,
    desk: DeskDep,
    signature: Annotated[str | None, Header(alias=SIGNATURE_HEADER)] = None,
) -> IngestAnswer:
    """Verify the signature, then take the events in as ``POST /v1/exceptions`` does (the
    events' ``source`` must be this one)."""
    body = await request.body()
    refs, is_list = await run_in_threadpool(_take_in, desk, tenant_id, source, body, signature)
    response.status_code = (
        status.HTTP_201_CREATED if any(r.created for r in refs) else status.HTTP_200_OK
    )
    if not is_list:
        return await run_in_threadpool(desk.case, tenant_id, refs[0].case_id)
    return [
        IngestResult(
            created=r.created, case=await run_in_threadpool(desk.case, tenant_id, r.case_id)
        )
        for r in refs
    ]


def _take_in(
    desk: ExceptionDesk, tenant_id: str, source: EventSource, body: bytes, signature: str | None
) -> tuple[list[CaseRef], bool]:
    with desk.db.connection() as conn:
        secret_env = inbound_secret_env(conn, tenant_id, source)
    secret = os.environ.get(secret_env, "") if secret_env else ""
    if not secret:
        raise AuthenticationError(f"webhooks from {source} are not enabled for this tenant")
    tolerance = desk.settings.webhook_tolerance_seconds
    try:
        accepted = verify(secret.encode(), body, signature, tolerance_seconds=tolerance)
    except SignatureError as error:
        raise AuthenticationError(str(error)) from error
    try:
        document: Any = json.loads(body)
    except ValueError as error:
        raise InputError("the body is not JSON", location="body") from error
    events, is_list = parse_events(document)
    for index, event in enumerate(events):
        if event.source != source:
            where = f"[{index}].source" if is_list else "source"
            raise InputError(
                f"{where}: the webhook of {source} takes {source} events", location=where
            )
    with desk.db.connection() as conn:
        if not remember_signature(conn, tenant_id, accepted.digest, 2 * tolerance):
            raise ConflictError("this request was already received (a replay)")
    return desk.accept(tenant_id, events, initiated_by=f"webhook:{source}"), is_list
