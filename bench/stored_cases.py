"""Does a case cost more when the database already holds many? Cases per second through
the workflow, and the p50 of a case read and a list page, at N stored cases.

The stored cases are copies of the example cases run once (rows of every table a case
writes — event, case, decision records, approvals, outbox, LangGraph checkpoints — with
new ids, in another tenant), so the tables and their indexes have the size N cases give
them. Each size is measured with a fresh tenant ingesting the 79 example events.

    python -m bench.stored_cases [--stored 1000 10000 100000]

100,000 stored cases take a few minutes to copy in (one checkpoint per stop of a case).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path
from typing import Any

from bench.scratch import scratch
from bench.workflow_throughput import copies_of, fresh_database
from exdesk.examples import example_events, example_network
from exdesk.service import ExceptionDesk
from exdesk.settings import Settings
from exdesk.store.cases import CaseFilter

SEED = "seed"
FILLER = "filler"

CLONED = (
    ("cases", "tenant_id"),
    ("exception_events", "tenant_id"),
    ("decision_records", "tenant_id"),
    ("approvals", "tenant_id"),
    ("outbox", "tenant_id"),
    ("checkpoints", "thread_id"),
    ("checkpoint_blobs", "thread_id"),
    ("checkpoint_writes", "thread_id"),
)
"""Every table a case writes, and how its rows of the seed tenant are found."""

RENAMED = ("case_id", "thread_id", "source_event_id", "approval_id", "outbox_id")
"""Columns given a new value per copy (``<value>~<copy>``)."""


def columns(conn: Any, table: str) -> list[str]:
    """A table's columns, in order."""
    rows = conn.execute(
        "SELECT column_name FROM information_schema.columns WHERE table_name=%s"
        " ORDER BY ordinal_position",
        (table,),
    ).fetchall()
    return [row["column_name"] for row in rows]


def clone(desk: ExceptionDesk, first: int, last: int) -> None:
    """Copies ``first``..``last`` of the seed tenant's cases, in one transaction."""
    with desk.db.transaction() as conn:
        seed_cases = [
            r["case_id"]
            for r in conn.execute("SELECT case_id FROM cases WHERE tenant_id=%s", (SEED,))
        ]
        for table, key in CLONED:
            names = columns(conn, table)
            values = [
                f"'{FILLER}'"
                if name == "tenant_id"
                else f"{name} || '~' || g"
                if name in RENAMED
                else name
                for name in names
            ]
            where = f"{key} = %s" if key == "tenant_id" else f"{key} = ANY(%s)"
            conn.execute(
                f"INSERT INTO {table} ({', '.join(names)})"
                f" SELECT {', '.join(values)} FROM {table}, generate_series(%s::int, %s::int) AS g"
                f" WHERE {where}",
                (first, last, SEED if key == "tenant_id" else seed_cases),
            )
        conn.execute("ANALYZE")


def stored(desk: ExceptionDesk) -> int:
    """Cases in the database."""
    with desk.db.connection() as conn:
        row: Any = conn.execute("SELECT count(*) AS n FROM cases").fetchone()
    return int(row["n"])


def measure(desk: ExceptionDesk, tenant: str) -> tuple[float, float, float]:
    """Cases per second ingesting the examples; p50 ms of a case read and of a list page."""
    desk.load_network(tenant, example_network())
    batch = copies_of(example_events(), 1, tenant)
    started = time.perf_counter()
    refs = desk.ingest(tenant, batch)
    rate = len(batch) / (time.perf_counter() - started)
    reads, pages = [], []
    for ref in refs[:40]:
        started = time.perf_counter()
        desk.case(tenant, ref.case_id)
        reads.append(time.perf_counter() - started)
        started = time.perf_counter()
        desk.cases(tenant, CaseFilter(), limit=50)
        pages.append(time.perf_counter() - started)
    return rate, 1000 * statistics.median(reads), 1000 * statistics.median(pages)


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--stored", type=int, nargs="+", default=[1000, 10000])
    args = parser.parse_args()
    with scratch("exdesk-stored-") as (tmp, server):
        url = fresh_database(server)
        settings = Settings(
            data_dir=Path(tmp) / "data",
            database_url=url,
            telemetry_exporter="none",
            run_cases="inline",
            workers=2,
        )
        rows = []
        with ExceptionDesk.open(settings) as desk:
            desk.load_network(SEED, example_network())
            desk.ingest(SEED, copies_of(example_events(), 1, SEED))
            seeds = stored(desk)
            rows.append((stored(desk), *measure(desk, "m0")))
            copies = 0
            for target in sorted(args.stored):
                wanted = (target - stored(desk)) // seeds
                if wanted > 0:
                    print(f"storing {wanted * seeds} more cases…", flush=True)
                    step = max(1, 5000 // seeds)
                    for first in range(copies + 1, copies + wanted + 1, step):
                        clone(desk, first, min(first + step - 1, copies + wanted))
                    copies += wanted
                rows.append((stored(desk), *measure(desk, f"m{target}")))
    print(f"{'stored cases':>12} {'cases/s':>8} {'case read p50 ms':>17} {'list page p50 ms':>17}")
    for count, rate, read, page in rows:
        print(f"{count:>12} {rate:>8.1f} {read:>17.1f} {page:>17.1f}")


if __name__ == "__main__":
    main()
