"""``exdesk audit verify``: check every case chain, the tenant ledger, and every row the
chain covers — the case rows, the event rows, the approvals and the outbox.

What is proven, and what is not, is written up in README.md ("Security: what the chain
proves"). In short: a change to any record, any ledger entry, or any row a record commits
to is reported; so is a record appended outside the workflow and a waiting or final case
whose head was never anchored. Re-writing a whole tenant consistently takes the database
*and* leaves the tenant's signed checkpoints behind (``exdesk.store.checkpoint``).
"""

from __future__ import annotations

from dataclasses import dataclass, field

from psycopg import Connection
from psycopg.rows import DictRow

from exdesk.store.audit_checks import check_case, check_ledger
from exdesk.store.audit_findings import AuditProblem, CaseFindings
from exdesk.store.audit_log import DatabaseLog, TenantLog
from exdesk.store.signing import SignatureCheck

__all__ = ["AuditProblem", "AuditReport", "check_log", "settle", "verify_log", "verify_tenant"]


@dataclass
class AuditReport:
    """The outcome of verifying one tenant."""

    tenant_id: str
    cases: int = 0
    records: int = 0
    ledger_entries: int = 0
    problems: list[AuditProblem] = field(default_factory=list)
    unchecked: list[str] = field(default_factory=list)
    """What could not be checked (rows beside records written before release 2)."""
    in_progress: list[str] = field(default_factory=list)
    """Cases a run was advancing: their newest steps are checked at the next verify."""

    @property
    def ok(self) -> bool:
        """True when every chain, the ledger and every covered row verify."""
        return not self.problems


def check_log(log: TenantLog, public_key: str | None = None) -> tuple[AuditReport, CaseFindings]:
    """Run every check over a tenant's log (``log.ledger`` then ``log.bundles``, once each,
    streaming); suspects are left for :func:`settle`. With the desk's ``public_key``
    (base64), every signature is checked and every row since release 2 must carry one."""
    report = AuditReport(log.tenant_id)
    found = CaseFindings(signatures=SignatureCheck(public_key) if public_key else None)
    ledger = log.ledger()
    report.ledger_entries = len(ledger.entries)
    anchors = check_ledger(ledger, report.problems, found)
    seen: set[str] = set()
    for bundle in log.bundles():
        seen.add(bundle.case_id)
        check_case(bundle, anchors.get(bundle.case_id, {}), found)
    report.cases = len(seen)
    report.records = found.records
    for case_id in sorted(set(anchors) - seen):
        report.problems.append(
            AuditProblem("anchored in the ledger but missing: the case was deleted", case_id)
        )
    report.problems.extend(found.problems)
    report.unchecked = found.coverage.lines()
    return report, found


def settle(log: TenantLog, found: CaseFindings, report: AuditReport) -> AuditReport:
    """Report each suspect whose case no run is advancing; list the others as in progress."""
    moving: set[str] = set()
    for suspect in found.suspects:
        case_id = suspect.bundle.case_id
        if case_id in moving:
            continue
        if log.settled(suspect.bundle):
            report.problems.append(suspect.problem)
        else:
            moving.add(case_id)
    report.in_progress = sorted(moving)
    return report


def verify_log(log: TenantLog, public_key: str | None = None) -> AuditReport:
    """Verify a tenant's log however it was read (an export, offline)."""
    report, found = check_log(log, public_key)
    return settle(log, found, report)


def verify_tenant(
    conn: Connection[DictRow], tenant_id: str, public_key: str | None = None
) -> AuditReport:
    """Verify the tenant's ledger, every case chain and every row the chains cover, as of
    one snapshot of the database (``conn`` in autocommit mode); then look again, outside
    the snapshot, at the cases only a run in progress would explain. ``public_key``: the
    desk's (base64), to check the rows' signatures."""
    log = DatabaseLog(conn, tenant_id)
    with log.snapshot():
        report, found = check_log(log, public_key)
    return settle(log, found, report)
