"""``GET /v1/audit/verify``: compliance checks the decision log."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from exdesk.api.deps import Auditor, DeskDep
from exdesk.api.errors import error_responses

router = APIRouter(prefix="/v1/audit", tags=["audit"], responses=error_responses(401, 403, 503))


class VerifyReport(BaseModel):
    """The outcome of verifying the tenant's chains and ledger."""

    ok: bool
    cases: int
    records: int
    ledger_entries: int
    problems: list[str]


@router.get("/verify")
def verify(desk: DeskDep, principal: Auditor) -> VerifyReport:
    """Every case chain and the ledger; ``problems[0]`` names the first bad record."""
    report = desk.verify(principal.tenant_id)
    return VerifyReport(
        ok=report.ok,
        cases=report.cases,
        records=report.records,
        ledger_entries=report.ledger_entries,
        problems=[str(p) for p in report.problems],
    )
