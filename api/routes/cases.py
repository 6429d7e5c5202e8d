"""``GET /v1/cases`` and ``GET /v1/cases/{case_id}``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from exdesk.api.deps import DeskDep, Reader
from exdesk.api.errors import error_responses
from exdesk.domain import Case, CaseStatus, CaseSummary, Category, Route
from exdesk.store.cases import CaseFilter

router = APIRouter(
    prefix="/v1/cases", tags=["cases"], responses=error_responses(401, 403, 429, 503)
)


class CaseList(BaseModel):
    """A page of case summaries, newest first (each case in full on its own route)."""

    cases: list[CaseSummary]
    total: int
    next_cursor: str | None


@router.get("", responses=error_responses(422))
def list_cases(
    desk: DeskDep,
    principal: Reader,
    status: CaseStatus | None = None,
    category: Category | None = None,
    route: Route | None = None,
    limit: Annotated[int, Query(ge=1, le=200)] = 50,
    cursor: str | None = None,
) -> CaseList:
    """The tenant's cases as summaries, filtered, paginated with an opaque ``cursor``;
    ``GET /v1/cases/{id}`` answers a case in full."""
    page = desk.cases(
        principal.tenant_id, CaseFilter(status, category, route), limit=limit, cursor=cursor
    )
    return CaseList(
        cases=[CaseSummary.of(case) for case in page.cases],
        total=page.total,
        next_cursor=page.next_cursor,
    )


@router.get("/{case_id}", responses=error_responses(404, 422))
def get_case(case_id: str, desk: DeskDep, principal: Reader) -> Case:
    """One case with its classification, proposals, approvals and decision records."""
    return desk.case(principal.tenant_id, case_id)
