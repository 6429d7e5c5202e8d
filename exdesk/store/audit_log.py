"""What ``audit verify`` reads: a tenant's ledger and, case by case, everything the log
covers — from the database (one consistent snapshot) or from an export (offline).

A :class:`CaseBundle` holds a case row and every row its records speak about; the checks
(``audit_checks``) never ask where it came from.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, Protocol

from psycopg import Connection
from psycopg.rows import DictRow

from exdesk.store.locks import case_is_being_advanced

Row = dict[str, Any]


@dataclass
class CaseBundle:
    """A case row with its event row, records (in ``seq`` order), approvals and outbox."""

    case: Row
    event: Row | None
    records: list[Row]
    approvals: list[Row] = field(default_factory=list)
    outbox: list[Row] = field(default_factory=list)

    @property
    def case_id(self) -> str:
        """The case's id."""
        return str(self.case["case_id"])


@dataclass(frozen=True)
class LedgerData:
    """A tenant's ledger entries (in ``seq`` order) and its head row."""

    entries: list[Row]
    head: Row | None


class TenantLog(Protocol):
    """Where a tenant's log is read from."""

    tenant_id: str

    def ledger(self) -> LedgerData:
        """The ledger entries and head."""
        ...

    def bundles(self) -> Iterator[CaseBundle]:
        """Every case of the tenant, oldest first."""
        ...

    def settled(self, bundle: CaseBundle) -> bool:
        """True when the case stands as read and no run is advancing it: what looks like an
        unfinished step is then not one. False when it moved or is being advanced."""
        ...


CASES_SQL = "SELECT * FROM cases WHERE tenant_id=%s ORDER BY created_at, case_id"
RECORDS_SQL = "SELECT * FROM decision_records WHERE case_id=%s ORDER BY seq"
APPROVALS_SQL = "SELECT * FROM approvals WHERE case_id=%s ORDER BY requested_at, approval_id"
OUTBOX_SQL = "SELECT * FROM outbox WHERE case_id=%s ORDER BY created_at, outbox_id"
EVENT_SQL = "SELECT * FROM exception_events WHERE case_id=%s"
LEDGER_SQL = "SELECT * FROM ledger_entries WHERE tenant_id=%s ORDER BY seq"
LEDGER_HEAD_SQL = "SELECT * FROM ledger_heads WHERE tenant_id=%s"


class DatabaseLog:
    """A tenant's log in the database. Read it inside :meth:`snapshot`; call
    :meth:`settled` after the snapshot ends (it looks at the case as it stands now)."""

    def __init__(self, conn: Connection[DictRow], tenant_id: str) -> None:
        self.conn = conn
        self.tenant_id = tenant_id

    @contextmanager
    def snapshot(self) -> Iterator[DatabaseLog]:
        """One read-only, repeatable-read transaction: the ledger, each case row and the
        rows beside it as of one moment, however busy the desk is."""
        with self.conn.transaction():
            self.conn.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            yield self

    def ledger(self) -> LedgerData:
        """The ledger entries and head."""
        entries = self.conn.execute(LEDGER_SQL, (self.tenant_id,)).fetchall()
        head = self.conn.execute(LEDGER_HEAD_SQL, (self.tenant_id,)).fetchone()
        return LedgerData(entries, head)

    def bundles(self) -> Iterator[CaseBundle]:
        """Every case of the tenant, oldest first (a server-side cursor: any number)."""
        with self.conn.cursor(name="exdesk_audit_cases") as cases:
            cases.itersize = 500
            cases.execute(CASES_SQL, (self.tenant_id,))
            for case in cases:
                yield self.bundle(case)

    def bundle(self, case: Row) -> CaseBundle:
        """The rows of one case."""
        case_id = case["case_id"]
        run = self.conn.execute
        return CaseBundle(
            case=case,
            event=run(EVENT_SQL, (case_id,)).fetchone(),
            records=run(RECORDS_SQL, (case_id,)).fetchall(),
            approvals=run(APPROVALS_SQL, (case_id,)).fetchall(),
            outbox=run(OUTBOX_SQL, (case_id,)).fetchall(),
        )

    def settled(self, bundle: CaseBundle) -> bool:
        """No run holds the case, and its head and approvals are as the snapshot read them."""
        case_id = bundle.case_id
        with case_is_being_advanced(self.conn, case_id) as busy:
            if busy:
                return False
            now = self.conn.execute(
                "SELECT last_seq, last_hash, status FROM cases WHERE case_id=%s", (case_id,)
            ).fetchone()
            decisions = self.conn.execute(
                "SELECT approval_id, status FROM approvals WHERE case_id=%s ORDER BY approval_id",
                (case_id,),
            ).fetchall()
        before = {k: bundle.case[k] for k in ("last_seq", "last_hash", "status")}
        then = sorted((a["approval_id"], a["status"]) for a in bundle.approvals)
        return now == before and [(d["approval_id"], d["status"]) for d in decisions] == then
