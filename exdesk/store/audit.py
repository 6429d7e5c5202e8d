"""``exdesk audit verify``: check every case chain and the tenant ledger."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from psycopg import Connection
from psycopg.rows import DictRow

from exdesk.store.decision_log import GENESIS_HASH, hash_fields_of, ledger_hash, record_hash


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


@dataclass
class AuditReport:
    """The outcome of verifying one tenant."""

    tenant_id: str
    cases: int = 0
    records: int = 0
    ledger_entries: int = 0
    problems: list[AuditProblem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        """True when every chain and the ledger verify."""
        return not self.problems


def verify_tenant(conn: Connection[DictRow], tenant_id: str) -> AuditReport:
    """Verify the tenant's ledger chain, every case chain, and every anchor."""
    report = AuditReport(tenant_id)
    anchors = _verify_ledger(conn, tenant_id, report)
    case_rows = conn.execute(
        "SELECT case_id, last_seq FROM cases WHERE tenant_id=%s ORDER BY created_at, case_id",
        (tenant_id,),
    ).fetchall()
    known_cases = {row["case_id"] for row in case_rows}
    report.cases = len(case_rows)

    for case_id in sorted(set(anchors) - known_cases):
        report.problems.append(
            AuditProblem("anchored in the ledger but missing: the case was deleted", case_id)
        )
    for row in case_rows:
        _verify_case(conn, tenant_id, row["case_id"], anchors.get(row["case_id"], {}), report)
    return report


def _verify_ledger(
    conn: Connection[DictRow], tenant_id: str, report: AuditReport
) -> dict[str, dict[int, str]]:
    anchors: dict[str, dict[int, str]] = defaultdict(dict)
    previous = GENESIS_HASH
    expected_seq = 1
    rows = conn.execute(
        "SELECT tenant_id, seq, at, case_id, case_seq, case_hash, reason, prev_hash, hash"
        " FROM ledger_entries WHERE tenant_id=%s ORDER BY seq",
        (tenant_id,),
    ).fetchall()
    for row in rows:
        report.ledger_entries += 1
        seq = int(row["seq"])
        if seq != expected_seq:
            report.problems.append(
                AuditProblem(f"entry {expected_seq} is missing (found {seq} next)")
            )
            return anchors
        if row["prev_hash"] != previous:
            report.problems.append(AuditProblem(f"entry {seq} does not link to entry {seq - 1}"))
            return anchors
        if ledger_hash(dict(row)) != row["hash"]:
            report.problems.append(AuditProblem(f"entry {seq} was changed (hash mismatch)"))
            return anchors
        anchors[row["case_id"]][int(row["case_seq"])] = row["case_hash"]
        previous = row["hash"]
        expected_seq += 1
    head = conn.execute(
        "SELECT seq, hash FROM ledger_heads WHERE tenant_id=%s", (tenant_id,)
    ).fetchone()
    if rows and (head is None or head["seq"] != expected_seq - 1 or head["hash"] != previous):
        report.problems.append(AuditProblem("the ledger head does not match its last entry"))
    return anchors


def _verify_case(
    conn: Connection[DictRow],
    tenant_id: str,
    case_id: str,
    anchors: dict[int, str],
    report: AuditReport,
) -> None:
    rows = conn.execute(
        "SELECT * FROM decision_records WHERE tenant_id=%s AND case_id=%s ORDER BY seq",
        (tenant_id, case_id),
    ).fetchall()
    if not anchors:
        report.problems.append(AuditProblem("has no anchor in the ledger", case_id))
    previous = GENESIS_HASH
    hashes: dict[int, str] = {}
    for expected_seq, row in enumerate(rows, start=1):
        report.records += 1
        seq = int(row["seq"])
        if seq != expected_seq:
            report.problems.append(
                AuditProblem(f"is missing (the chain jumps to {seq})", case_id, expected_seq)
            )
            return
        if row["prev_hash"] != previous:
            report.problems.append(
                AuditProblem(
                    "does not link to the record before it (reordered or removed)", case_id, seq
                )
            )
            return
        if record_hash(hash_fields_of(row)) != row["hash"]:
            report.problems.append(
                AuditProblem(f"was changed (step {row['step']}: hash mismatch)", case_id, seq)
            )
            return
        hashes[seq] = row["hash"]
        previous = row["hash"]
    for case_seq, case_hash in sorted(anchors.items()):
        if case_seq not in hashes:
            report.problems.append(
                AuditProblem("is anchored in the ledger but missing (deleted)", case_id, case_seq)
            )
            return
        if hashes[case_seq] != case_hash:
            report.problems.append(
                AuditProblem("differs from the hash the ledger anchored", case_id, case_seq)
            )
            return
