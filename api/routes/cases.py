"""``GET /v1/cases`` and ``GET /v1/cases/{case_id}``."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import BaseModel

from exdesk.api.deps import DeskDep, Reader
from exdesk.api.errors import error_responses
from exdesk.domain import Case, CaseStatus, Category, Route
from exdesk.store.cases import CaseFilter

router = APIRouter(
    prefix="/v1/cases", tags=["cases"], responses=error_responses(401, 403, 429, 503)
)


class CaseList(BaseModel):
    """A page of cases, newest first."""

    cases: list[Case]
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
    include_decisions: bool = False,
) -> CaseList:
    """The tenant's cases, filtered, paginated with an opaque ``cursor``."""
    page = desk.cases(
        principal.tenant_id,
        CaseFilter(status, category, route),
        limit=limit,
        cursor=cursor,
        with_decisions=include_decisions,
    )
    return CaseList(cases=page.cases, total=page.total, next_cursor=page.next_cursor)


@router.get("/{case_id}", responses=error_responses(404, 422))
def get_case(case_id: str, desk: DeskDep, principal: Reader) -> Case:
    """One case with its classification, proposals, approvals and decision records."""
    return desk.case(principal.tenant_id, case_id)
