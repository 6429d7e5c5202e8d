"""What ``audit verify`` finds: problems, suspects, and what it could not check."""

from __future__ import annotations

from dataclasses import dataclass, field

from exdesk.store.audit_log import CaseBundle
from exdesk.store.signing import SignatureCheck


@dataclass(frozen=True)
class AuditProblem:
    """One thing that does not verify, located as precisely as possible."""

    message: str
    case_id: str | None = None
    seq: int | None = None

    def __str__(self) -> str:
        where = "ledger" if self.case_id is None else f"case {self.case_id}"
        if self.seq is not None:
            where += f" record {self.seq}"
        return f"{where}: {self.message}"


@dataclass(frozen=True)
class Suspect:
    """A problem unless a run is advancing the case (or was, and has moved it on)."""

    bundle: CaseBundle
    problem: AuditProblem


@dataclass
class Coverage:
    """What the records could not vouch for: rows beside records written before release 2
    (no digest), counted so the report can say so."""

    approvals_without_digest: int = 0
    outbox_without_digest: int = 0
    events_by_inputs_digest: int = 0
    cases_status_only: int = 0
    unsigned_rows: int = 0
    signatures_unchecked: int = 0

    def lines(self) -> list[str]:
        """One sentence per gap, for the report."""
        said = []
        if self.approvals_without_digest:
            said.append(
                f"{self.approvals_without_digest} approvals were opened by records without an"
                " approval digest (before release 2): their proposal, role and excluded users"
                " are not checked"
            )
        if self.outbox_without_digest:
            said.append(
                f"{self.outbox_without_digest} outbox rows were committed by records without"
                " outbox digests (before release 2): their payload and recipient are not"
                " checked"
            )
        if self.events_by_inputs_digest:
            said.append(
                f"{self.events_by_inputs_digest} events were checked against their intake"
                " record's inputs digest, re-derived through today's event model (records"
                " before release 2)"
            )
        if self.unsigned_rows:
            said.append(
                f"{self.unsigned_rows} records and ledger entries carry no signature (written"
                " before release 2, or without the desk's key): the chain and the ledger vouch"
                " for them, not the key"
            )
        if self.signatures_unchecked:
            said.append(
                f"{self.signatures_unchecked} signatures were not checked: no public key was"
                " given (the desk's own, or --public-key offline)"
            )
        if self.cases_status_only:
            said.append(
                f"{self.cases_status_only} cases end in a record without a case digest (before"
                " release 2): only their status is checked against the log, not the other"
                " projection columns"
            )
        return said


@dataclass
class CaseFindings:
    """What checking the cases found."""

    signatures: SignatureCheck | None = None
    """The desk's public key; None checks no signature (but still wants them in order)."""
    unsigned_anchors: set[tuple[str, int]] = field(default_factory=set)
    """(case, seq) anchored by a ledger entry without a signature."""
    problems: list[AuditProblem] = field(default_factory=list)
    suspects: list[Suspect] = field(default_factory=list)
    coverage: Coverage = field(default_factory=Coverage)
    records: int = 0


Anchors = dict[str, dict[int, str]]
"""Per case, the chain heads the ledger anchored: ``{case_seq: case_hash}``."""
