"""``/v1/audit/records``: search the decision log by case, order, customer, actor, step,
rule, outcome and time; export the matches as JSON Lines or CSV, with their hashes."""

from __future__ import annotations

import hashlib
from datetime import UTC, datetime
from typing import Annotated, Literal

from fastapi import APIRouter, Depends, Query
from fastapi.responses import Response
from pydantic import BaseModel

from exdesk.api.deps import Auditor, DeskDep
from exdesk.api.errors import error_responses
from exdesk.errors import InputError
from exdesk.service.review import search_log
from exdesk.store.record_search import FoundRecord, RecordFilter, as_csv, as_jsonl

router = APIRouter(
    prefix="/v1/audit/records", tags=["audit"], responses=error_responses(401, 403, 422, 503)
)

Text = Annotated[str | None, Query(max_length=200)]


def record_filter(
    case_id: Text = None,
    order_id: Text = None,
    customer_id: Text = None,
    actor: Annotated[
        str | None, Query(max_length=200, description="Exact, or a prefix ending in '*'.")
    ] = None,
    step: Text = None,
    rule: Annotated[str | None, Query(max_length=200, description="A policy id.")] = None,
    outcome: Annotated[
        str | None, Query(max_length=40, description="approve/reject/edit or a policy effect.")
    ] = None,
    since: Annotated[
        str | None, Query(max_length=40, description="RFC 3339; without an offset, UTC.")
    ] = None,
    until: Annotated[
        str | None, Query(max_length=40, description="RFC 3339; without an offset, UTC.")
    ] = None,
) -> RecordFilter:
    """The filters, as query parameters (blank ones ignored, as a form sends them)."""
    return RecordFilter(
        case_id=case_id or None,
        order_id=order_id or None,
        customer_id=customer_id or None,
        actor=actor or None,
        step=step or None,
        rule=rule or None,
        outcome=outcome or None,
        since=_moment(since, "since"),
        until=_moment(until, "until"),
    )


def _moment(value: str | None, name: str) -> datetime | None:
    """A time from a query parameter (a form's ``datetime-local`` has no offset: UTC)."""
    if not value or not value.strip():
        return None
    try:
        moment = datetime.fromisoformat(value.strip())
    except ValueError as error:
        raise InputError(f"{name} is not a time (RFC 3339)", location=name) from error
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


RecordQuery = Annotated[RecordFilter, Depends(record_filter)]
Limit = Annotated[int, Query(ge=1, le=10_000)]


class RecordHit(BaseModel):
    """A record found, with its case's order and customer and its hashes."""

    case_id: str
    seq: int
    at: datetime
    step: str
    actor: str
    order_id: str | None
    customer_id: str | None
    outcome: str | None
    rules: list[str]
    inputs_digest: str
    prev_hash: str
    hash: str


def _hit(record: FoundRecord) -> RecordHit:
    return RecordHit(
        case_id=record.case_id,
        seq=record.seq,
        at=record.at,
        step=record.step,
        actor=record.actor,
        order_id=record.order_id,
        customer_id=record.customer_id,
        outcome=record.outcome,
        rules=record.rules,
        inputs_digest=record.inputs_digest,
        prev_hash=record.prev_hash,
        hash=record.hash,
    )


@router.get("")
def search(
    desk: DeskDep, principal: Auditor, wanted: RecordQuery, limit: Limit = 500
) -> list[RecordHit]:
    """The matching records, newest first."""
    return [_hit(r) for r in search_log(desk, principal.tenant_id, wanted, limit)]


def export_response(records: list[FoundRecord], fmt: Literal["jsonl", "csv"]) -> Response:
    """The records as a download; ``X-Exdesk-Sha256`` is the SHA-256 of the body."""
    body = as_jsonl(records) if fmt == "jsonl" else as_csv(records)
    media = "application/x-ndjson" if fmt == "jsonl" else "text/csv"
    data = body.encode()
    return Response(
        data,
        media_type=media,
        headers={
            "Content-Disposition": f'attachment; filename="decision-records.{fmt}"',
            "X-Exdesk-Sha256": hashlib.sha256(data).hexdigest(),
        },
    )


@router.get(
    "/export",
    response_class=Response,
    responses={
        200: {
            "description": "The records, one per line (JSON Lines) or row (CSV).",
            "content": {
                "application/x-ndjson": {"schema": {"type": "string"}},
                "text/csv": {"schema": {"type": "string"}},
            },
        }
    },
)
def export(
    desk: DeskDep,
    principal: Auditor,
    wanted: RecordQuery,
    format: Literal["jsonl", "csv"] = "jsonl",
    limit: Limit = 10_000,
) -> Response:
    """The matching records as JSON Lines or CSV, each with its hashes."""
    return export_response(search_log(desk, principal.tenant_id, wanted, limit), format)
