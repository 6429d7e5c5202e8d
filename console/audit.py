"""Compliance pages: search the decision log, verify the chains, export what was found."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse, Response

from exdesk.api.routes.audit_records import RecordQuery, export_response
from exdesk.console.web import Viewer, desk_of, need_role, page, secured
from exdesk.service.review import search_log

router = APIRouter(prefix="/console/audit", include_in_schema=False)

PAGE_LIMIT = 500


@router.get("")
def audit_page(request: Request, viewer: Viewer, wanted: RecordQuery) -> HTMLResponse:
    """The decision log, filtered."""
    session, _ = viewer
    need_role(session, "compliance", "admin")
    records = search_log(desk_of(request), session.tenant_id, wanted, PAGE_LIMIT)
    query = request.url.query
    return page(
        "audit.html",
        session,
        records=records,
        wanted=wanted,
        query=query,
        limit=PAGE_LIMIT,
    )


@router.get("/export")
def audit_export(
    request: Request,
    viewer: Viewer,
    wanted: RecordQuery,
    format: Literal["jsonl", "csv"] = "jsonl",
) -> Response:
    """The filtered records as JSON Lines or CSV with their hashes."""
    session, _ = viewer
    need_role(session, "compliance", "admin")
    return secured(
        export_response(search_log(desk_of(request), session.tenant_id, wanted, 10_000), format)
    )


@router.get("/verify")
def audit_verify(request: Request, viewer: Viewer) -> HTMLResponse:
    """Verify every chain of the tenant, the ledger and the rows they cover."""
    session, _ = viewer
    need_role(session, "compliance", "admin")
    report = desk_of(request).verify(session.tenant_id)
    return page("verify.html", session, report=report)
