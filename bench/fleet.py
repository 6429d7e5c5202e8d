"""End to end through a real fleet: `exdesk serve` and N `exdesk worker` processes.

For each worker count, on a fresh database: events posted one per request (16 in flight),
the time until every case is at its stop (cases per second end to end), the ingest
latency of each post, then approvals decided through the API and the time from each
answer until a worker has moved its case on (approval-to-resume latency). Then the
checkpoint history before and after retention of the closed cases.

    python -m bench.fleet [--events 240] [--workers 1 2 4] [--concurrency 4]

Uses ``DATABASE_URL`` when set (fresh databases are created on that server), else an
embedded server in a temporary directory.
"""

from __future__ import annotations

import argparse
import asyncio
import threading
import time
from pathlib import Path
from typing import Any

import httpx

from bench.scratch import scratch
from bench.workflow_throughput import copies_of, fresh_database
from exdesk.domain import ExceptionEvent
from exdesk.examples import example_events, example_network
from exdesk.service import ExceptionDesk
from exdesk.service.maintenance import CHECKPOINT_TABLES
from exdesk.settings import Settings
from tests.fleet.support import all_stopped
from tests.support.fleet import running_fleet

TENANT = "bench"
UNTHROTTLED = {"EXDESK_RATE_LIMIT_PER_SECOND": "100000", "EXDESK_RATE_LIMIT_BURST": "1000000"}
"""The per-key rate limit lifted: the bench measures the fleet, not the limit."""


def percentile(values: list[float], share: float) -> float:
    """The ``share`` percentile (nearest rank) of ``values``."""
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * len(ordered)) - 1))]


async def post_events(url: str, key: str, events: list[ExceptionEvent]) -> list[float]:
    """Post each event on its own, 16 in flight; each post's latency in seconds."""
    gate = asyncio.Semaphore(16)
    async with httpx.AsyncClient(base_url=url, timeout=300) as client:

        async def one(event: ExceptionEvent) -> float:
            async with gate:
                started = time.perf_counter()
                answer = await client.post(
                    "/v1/exceptions",
                    json=event.model_dump(mode="json"),
                    headers={"Authorization": f"Bearer {key}"},
                )
                answer.raise_for_status()
                return time.perf_counter() - started

        return list(await asyncio.gather(*(one(e) for e in events)))


def wait_until_still(desk: ExceptionDesk, timeout: float = 1800) -> float:
    """Wait until every case is at its stop; the moment it was seen so."""
    deadline = time.monotonic() + timeout
    while not all_stopped(desk, TENANT):
        if time.monotonic() > deadline:
            raise TimeoutError("the fleet did not finish")
        time.sleep(0.05)
    return time.perf_counter()


def approval_latencies(
    desk: ExceptionDesk, url: str, keys: dict[str, str], limit: int
) -> list[float]:
    """Decide up to ``limit`` pending approvals through the API (8 in flight); for each, the
    seconds from the answer until a worker recorded the case's next step."""
    with desk.db.connection() as conn:
        rows = conn.execute(
            "SELECT a.case_id, a.approval_id, a.required_role, c.last_seq FROM approvals a"
            " JOIN cases c USING (case_id) WHERE a.tenant_id=%s AND a.status='pending'"
            " AND a.kind <> 'credit'"
            " ORDER BY a.requested_at LIMIT %s",
            (TENANT, limit),
        ).fetchall()
    answered: dict[str, tuple[float, int]] = {}
    moved: dict[str, float] = {}
    done = threading.Event()

    def watch() -> None:
        while not done.is_set():
            pending = {c: seq for c, (_, seq) in answered.items() if c not in moved}
            if pending:
                with desk.db.connection() as conn:
                    found = conn.execute(
                        "SELECT case_id, last_seq FROM cases WHERE case_id = ANY(%s)",
                        (list(pending),),
                    ).fetchall()
                now = time.perf_counter()
                for row in found:
                    if row["last_seq"] > pending[row["case_id"]]:
                        moved[row["case_id"]] = now
            time.sleep(0.01)

    async def decide_all() -> None:
        gate = asyncio.Semaphore(8)
        async with httpx.AsyncClient(base_url=url, timeout=300) as client:

            async def one(row: dict[str, Any]) -> None:
                async with gate:
                    answer = await client.post(
                        f"/v1/cases/{row['case_id']}/approvals/{row['approval_id']}",
                        json={"decision": "approve"},
                        headers={"Authorization": f"Bearer {keys[row['required_role']]}"},
                    )
                    if answer.status_code != 200:
                        return  # e.g. a credit hold needs its action, a reply with no contact
                    # The decision is one record; a worker's resume writes the next.
                    answered[row["case_id"]] = (time.perf_counter(), row["last_seq"] + 1)

            await asyncio.gather(*(one(r) for r in rows))

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    asyncio.run(decide_all())
    wait_until_still(desk)
    time.sleep(0.1)
    done.set()
    watcher.join()
    return [moved[c] - t for c, (t, _) in answered.items() if c in moved]


def checkpoint_footprint(desk: ExceptionDesk) -> tuple[int, int]:
    """Rows and bytes (tables with their indexes and TOAST) of LangGraph's checkpoints."""
    rows = size = 0
    with desk.db.connection() as conn:
        for table in CHECKPOINT_TABLES:
            found: Any = conn.execute(
                f"SELECT count(*) AS n, pg_total_relation_size('{table}') AS bytes FROM {table}"
            ).fetchone()
            rows += int(found["n"])
            size += int(found["bytes"])
    return rows, size


def one_fleet(
    server: str, data: Path, logs: Path, events: int, workers: int, concurrency: int
) -> dict[str, float]:
    """Measure one worker count on a fresh database."""
    url = fresh_database(server)
    settings = Settings(
        data_dir=data,
        database_url=url,
        telemetry_exporter="none",
        run_cases="queue",
        workers=concurrency,
    )
    with ExceptionDesk.open(settings) as desk:
        desk.load_network(TENANT, example_network())
        keys = {
            role: desk.create_api_key(TENANT, f"bench-{role}", [role])[1]
            for role in ("integration", "cs_rep", "ops", "finance")
        }
        batch = copies_of(example_events(), events // 79 + 1, f"w{workers}")[:events]
        with running_fleet(
            settings,
            logs / f"workers-{workers}",
            workers=workers,
            concurrency=concurrency,
            extra_env=UNTHROTTLED,
        ) as fleet:
            started = time.perf_counter()
            ingest = asyncio.run(post_events(fleet.api_url, keys["integration"], batch))
            finished = wait_until_still(desk)
            resume = approval_latencies(desk, fleet.api_url, keys, limit=60)
            for _ in range(4):  # approve the rest, so most cases close
                if not approval_latencies(desk, fleet.api_url, keys, limit=1000):
                    break
        before = checkpoint_footprint(desk)
        with desk.db.connection() as conn:
            conn.execute("UPDATE cases SET updated_at = updated_at - interval '90 days'")
        retained = desk.retain_checkpoints()
        after = checkpoint_footprint(desk)
    return {
        "cases_per_second": events / (finished - started),
        "ingest_p50_ms": 1000 * percentile(ingest, 0.5),
        "ingest_p99_ms": 1000 * percentile(ingest, 0.99),
        "resume_p50_ms": 1000 * percentile(resume, 0.5) if resume else float("nan"),
        "resume_p99_ms": 1000 * percentile(resume, 0.99) if resume else float("nan"),
        "resumed": len(resume),
        "retained_cases": retained,
        "checkpoint_rows_before": before[0],
        "checkpoint_rows_after": after[0],
        "checkpoint_mb_before": before[1] / 1e6,
        "checkpoint_mb_after": after[1] / 1e6,
    }


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--events", type=int, default=240)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--concurrency", type=int, default=4, help="jobs at once per worker")
    args = parser.parse_args()
    with scratch("exdesk-fleet-") as (tmp, server):
        results = {
            n: one_fleet(
                server, Path(tmp) / "data", Path(tmp) / "logs", args.events, n, args.concurrency
            )
            for n in args.workers
        }
    print(
        f"{args.events} events, one per request (16 in flight), {args.concurrency} jobs per worker"
    )
    print(
        f"{'workers':>7} {'cases/s':>8} {'ingest p50':>10} {'p99 ms':>7}"
        f" {'resume p50':>10} {'p99 ms':>7} {'resumed':>7}"
    )
    for n, r in results.items():
        print(
            f"{n:>7} {r['cases_per_second']:>8.1f} {r['ingest_p50_ms']:>10.0f}"
            f" {r['ingest_p99_ms']:>7.0f} {r['resume_p50_ms']:>10.0f}"
            f" {r['resume_p99_ms']:>7.0f} {r['resumed']:>7.0f}"
        )
    last = results[args.workers[-1]]
    print(
        f"checkpoint retention ({last['retained_cases']:.0f} closed cases past the period):"
        f" {last['checkpoint_rows_before']:.0f} rows / {last['checkpoint_mb_before']:.1f} MB"
        f" → {last['checkpoint_rows_after']:.0f} rows / {last['checkpoint_mb_after']:.1f} MB"
    )


if __name__ == "__main__":
    main()
