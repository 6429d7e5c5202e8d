"""``GET /v1/cases/{case_id}/similar``: the case's precedents."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from pydantic import BaseModel

from exdesk.api.deps import DeskDep, Reader
from exdesk.api.errors import error_responses
from exdesk.tools.precedents import Precedent, PrecedentIndex

router = APIRouter(
    prefix="/v1/cases", tags=["precedents"], responses=error_responses(401, 403, 404, 422, 429, 503)
)


def get_precedent_index(desk: DeskDep) -> PrecedentIndex:
    """The desk's precedent index."""
    return desk.precedents


PrecedentIndexDep = Annotated[PrecedentIndex, Depends(get_precedent_index)]


class SimilarCases(BaseModel):
    """The precedents of one case, most similar first."""

    case_id: str
    embedder: str
    precedents: list[Precedent]


@router.get("/{case_id}/similar")
def similar_cases(
    case_id: str,
    desk: DeskDep,
    principal: Reader,
    index: PrecedentIndexDep,
    k: Annotated[int, Query(ge=1, le=50)] = 5,
) -> SimilarCases:
    """The ``k`` resolved or rejected cases of the caller's tenant most like this one, with
    their category, resolution and approvers (404 for an unknown or another tenant's case)."""
    case = desk.case(principal.tenant_id, case_id)
    precedents = index.similar(principal.tenant_id, case, k)
    return SimilarCases(case_id=case_id, embedder=index.space.embedder, precedents=precedents)
