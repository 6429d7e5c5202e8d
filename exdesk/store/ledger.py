"""The tenant's ledger: a hash chain per tenant anchoring its cases' chain heads.

A case's head is anchored when the case is created and whenever it reaches a waiting or
final state (``exdesk.store.decision_log``). Each entry names the case record it anchors
and links to the entry before it; the ledger's head row is locked for the append, so the
ledger never forks — the only tenant-wide critical section, one short transaction long.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Any

from psycopg import Connection
from psycopg.rows import DictRow

from exdesk.domain import DecisionRecord
from exdesk.store.cases import GENESIS_HASH
from exdesk.store.record_hashes import ledger_hash
from exdesk.store.row_arrays import unnest_rows
from exdesk.store.signing import LogSigner, signer_of

LOCK_LEDGER_HEAD = "INSERT INTO ledger_heads (tenant_id, seq, hash)"
LOCK_LEDGER_CONFLICT = (
    "ON CONFLICT (tenant_id) DO UPDATE SET seq = ledger_heads.seq RETURNING seq, hash"
)
"""Creates the tenant's ledger head on first use and locks it, in one statement."""

_ENTRY_TYPES = {
    "tenant_id": "text",
    "seq": "bigint",
    "at": "timestamptz",
    "case_id": "text",
    "case_seq": "integer",
    "case_hash": "text",
    "reason": "text",
    "prev_hash": "text",
    "hash": "text",
    "signature": "text",
}
"""A ledger entry's columns and their types."""


def anchor_case(
    conn: Connection[DictRow],
    record: DecisionRecord,
    reason: str,
    ledger_head: DictRow | None = None,
) -> None:
    """Anchor a case's chain head (``record``) in the tenant's ledger. Inside a transaction.
    ``ledger_head``: the tenant's ledger head, already locked in this transaction."""
    head = ledger_head if ledger_head is not None else _locked_head(conn, record.tenant_id)
    _write_entries(conn, [_entry(signer_of(conn), head, record, reason)])


def anchor_cases(
    conn: Connection[DictRow], tenant_id: str, records: Sequence[DecisionRecord], reason: str
) -> None:
    """Anchor the chain heads ``records`` of the tenant's cases, in order, each with
    ``reason``: the ledger head locked once, every entry written by one statement."""
    signer = signer_of(conn)
    head: dict[str, Any] = dict(_locked_head(conn, tenant_id))
    entries = []
    for record in records:
        head = _entry(signer, head, record, reason)
        entries.append(head)
    _write_entries(conn, entries)


def _locked_head(conn: Connection[DictRow], tenant_id: str) -> DictRow:
    """The tenant's ledger head, locked (created on first use)."""
    head = conn.execute(
        f"{LOCK_LEDGER_HEAD} VALUES (%s, 0, %s) {LOCK_LEDGER_CONFLICT}",
        (tenant_id, GENESIS_HASH),
    ).fetchone()
    assert head is not None  # an upsert returns its row
    return head


def _entry(
    signer: LogSigner | None, head: dict[str, Any], record: DecisionRecord, reason: str
) -> dict[str, Any]:
    """The ledger entry anchoring ``record`` after the ledger's ``head``, hashed and
    signed: its column values."""
    fields: dict[str, Any] = {
        "tenant_id": record.tenant_id,
        "seq": int(head["seq"]) + 1,
        "at": datetime.now(UTC),
        "case_id": record.case_id,
        "case_seq": record.seq,
        "case_hash": record.hash,
        "reason": reason,
        "prev_hash": head["hash"],
    }
    fields["hash"] = ledger_hash(fields)
    fields["signature"] = signer.sign("ledger_entry", fields["hash"]) if signer else None
    return fields


def _write_entries(conn: Connection[DictRow], entries: Sequence[dict[str, Any]]) -> None:
    """Insert consecutive entries of one tenant's ledger and move its head (locked in this
    transaction) to the last, in one statement."""
    last = entries[-1]
    rows, params = unnest_rows(_ENTRY_TYPES, entries)
    conn.execute(
        f"WITH entries AS (INSERT INTO ledger_entries ({', '.join(_ENTRY_TYPES)})"
        f" SELECT * FROM {rows} RETURNING seq)"
        " UPDATE ledger_heads SET seq = %(seq)s, hash = %(hash)s WHERE tenant_id = %(tenant_id)s",
        {**params, "seq": last["seq"], "hash": last["hash"], "tenant_id": last["tenant_id"]},
    )
