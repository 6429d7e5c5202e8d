"""``/v1/audit``: compliance checks the decision log and takes signed checkpoints of it."""

from __future__ import annotations

from fastapi import APIRouter
from pydantic import BaseModel

from exdesk.api.deps import Auditor, DeskDep
from exdesk.api.errors import error_responses
from exdesk.store.checkpoint import LedgerCheckpoint

router = APIRouter(
    prefix="/v1/audit", tags=["audit"], responses=error_responses(401, 403, 429, 503)
)


class VerifyReport(BaseModel):
    """The outcome of verifying the tenant's chains and ledger."""

    ok: bool
    cases: int
    records: int
    ledger_entries: int
    problems: list[str]
    unchecked: list[str] = []
    """What the records could not vouch for (rows beside records before release 2)."""
    in_progress: list[str] = []
    """Cases a run was advancing: their newest steps are checked at the next verify."""


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
        unchecked=report.unchecked,
        in_progress=report.in_progress,
    )


@router.get("/checkpoint")
def checkpoint(desk: DeskDep, principal: Auditor) -> LedgerCheckpoint:
    """The tenant ledger's head, signed with the desk's Ed25519 key: keep it outside the
    database; ``exdesk audit verify --checkpoint FILE`` checks the ledger still holds it."""
    return desk.checkpoint(principal.tenant_id)
