"""``exdesk audit export``: a tenant's log as JSON Lines, to verify without the database.

The folder holds ``ledger.jsonl`` (the entries, in order), ``cases.jsonl`` (each case row
with its event row), ``records.jsonl``, ``approvals.jsonl``, ``outbox.jsonl`` (rows as
stored, timestamps in ISO 8601 UTC) and ``manifest.json`` (tenant, ledger head, counts,
and the cases a run was advancing at the time). All of it is read from one snapshot.
``verify_export`` runs the same checks as ``audit verify`` on it; a signed checkpoint
then ties it to the ledger the desk had.
"""

from __future__ import annotations

import json
from collections import defaultdict
from collections.abc import Iterator, Mapping
from contextlib import ExitStack
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import IO, Any

from psycopg import Connection
from psycopg.rows import DictRow

from exdesk.errors import InputError
from exdesk.store.audit import AuditReport, check_log, settle, verify_log
from exdesk.store.audit_log import CaseBundle, DatabaseLog, LedgerData, Row

EXPORT_FORMAT = "exdesk-audit-export/1"
FILES = ("ledger", "cases", "records", "approvals", "outbox")

_TIMESTAMPS = frozenset(
    {
        "at",
        "requested_at",
        "decided_at",
        "created_at",
        "updated_at",
        "sent_at",
        "first_received_at",
        "last_received_at",
    }
)
"""Columns read back as datetimes."""


def _json_default(value: Any) -> Any:
    if isinstance(value, datetime):
        return value.astimezone(UTC).isoformat()
    raise TypeError(f"{type(value).__name__} is not exported")


def _line(row: Row) -> str:
    return json.dumps(row, default=_json_default, ensure_ascii=False, sort_keys=True) + "\n"


def _parsed(row: Row) -> Row:
    return {
        key: datetime.fromisoformat(value)
        if key in _TIMESTAMPS and isinstance(value, str)
        else value
        for key, value in row.items()
    }


@dataclass(frozen=True)
class ExportSummary:
    """What an export wrote, and the report of verifying it as it was written."""

    folder: Path
    report: AuditReport


class _Writing:
    """The database log, written to the folder as the checks read it."""

    def __init__(self, log: DatabaseLog, files: Mapping[str, IO[str]]) -> None:
        self.tenant_id = log.tenant_id
        self._log = log
        self._files = files
        self.ledger_data: LedgerData | None = None

    def ledger(self) -> LedgerData:
        self.ledger_data = self._log.ledger()
        for entry in self.ledger_data.entries:
            self._files["ledger"].write(_line(entry))
        return self.ledger_data

    def bundles(self) -> Iterator[CaseBundle]:
        for bundle in self._log.bundles():
            self._files["cases"].write(_line({"case": bundle.case, "event": bundle.event}))
            for name, rows in (
                ("records", bundle.records),
                ("approvals", bundle.approvals),
                ("outbox", bundle.outbox),
            ):
                for row in rows:
                    self._files[name].write(_line(row))
            yield bundle

    def settled(self, bundle: CaseBundle) -> bool:
        return self._log.settled(bundle)


def export_tenant(
    conn: Connection[DictRow], tenant_id: str, folder: Path, public_key: str | None = None
) -> ExportSummary:
    """Write the tenant's log to ``folder`` (created; existing export files are replaced),
    verifying it on the way (with the desk's ``public_key``, its signatures too)."""
    folder.mkdir(parents=True, exist_ok=True)
    log = DatabaseLog(conn, tenant_id)
    with ExitStack() as files:
        opened = {
            name: files.enter_context((folder / f"{name}.jsonl").open("w", encoding="utf-8"))
            for name in FILES
        }
        writing = _Writing(log, opened)
        with log.snapshot():
            report, found = check_log(writing, public_key)
    report = settle(log, found, report)
    ledger = writing.ledger_data
    last = ledger.entries[-1] if ledger and ledger.entries else None
    manifest = {
        "format": EXPORT_FORMAT,
        "tenant_id": tenant_id,
        "exported_at": datetime.now(UTC).isoformat(),
        "ledger_seq": int(last["seq"]) if last else 0,
        "ledger_head": ledger.head if ledger else None,
        "cases": report.cases,
        "records": report.records,
        "ledger_entries": report.ledger_entries,
        "in_progress": report.in_progress,
        "public_key": public_key,
    }
    (folder / "manifest.json").write_text(
        json.dumps(manifest, default=_json_default, indent=2, sort_keys=True) + "\n",
        encoding="utf-8",
    )
    return ExportSummary(folder, report)


class ExportedLog:
    """A tenant's log read back from an export folder (held in memory)."""

    def __init__(self, folder: Path) -> None:
        try:
            manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise InputError(f"{folder} is not an audit export: {error}") from error
        if manifest.get("format") != EXPORT_FORMAT:
            raise InputError(f"{folder} is not an {EXPORT_FORMAT} export")
        self.tenant_id: str = manifest["tenant_id"]
        self._in_progress = set(manifest.get("in_progress", []))
        self._head: Row | None = manifest.get("ledger_head")
        self.public_key: str | None = manifest.get("public_key")
        """The key the exporting desk said it signs with (trust it by its fingerprint)."""
        self._folder = folder

    def _rows(self, name: str) -> Iterator[Row]:
        with (self._folder / f"{name}.jsonl").open(encoding="utf-8") as lines:
            for line in lines:
                if line.strip():
                    yield _parsed(json.loads(line))

    def ledger(self) -> LedgerData:
        """The exported ledger entries and head."""
        return LedgerData(list(self._rows("ledger")), self._head)

    def bundles(self) -> Iterator[CaseBundle]:
        """Every exported case with its rows."""
        by_case: dict[str, dict[str, list[Row]]] = defaultdict(lambda: defaultdict(list))
        for name in ("records", "approvals", "outbox"):
            for row in self._rows(name):
                by_case[row["case_id"]][name].append(row)
        for line in self._rows("cases"):
            case, event = _parsed(line["case"]), line["event"]
            rows = by_case.pop(case["case_id"], defaultdict(list))
            yield CaseBundle(
                case=case,
                event=None if event is None else _parsed(event),
                records=sorted(rows["records"], key=lambda r: int(r["seq"])),
                approvals=rows["approvals"],
                outbox=rows["outbox"],
            )

    def settled(self, bundle: CaseBundle) -> bool:
        """Not advancing when exported (the manifest lists those that were)."""
        return bundle.case_id not in self._in_progress


def verify_export(
    folder: Path, public_key: str | None = None
) -> tuple[AuditReport, LedgerData, str | None]:
    """Verify an export without a database, checking signatures with ``public_key`` (else
    the key the manifest names); also return its ledger (for a checkpoint) and the key."""
    log = ExportedLog(folder)
    key = public_key or log.public_key
    return verify_log(log, key), log.ledger(), key
