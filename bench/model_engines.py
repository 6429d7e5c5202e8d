"""Cases per second through the whole workflow with model engines, against a local
OpenAI-compatible stand-in that answers every request after a fixed delay.

All four agents use the ``openai`` engine on the stand-in (a real HTTP server on
127.0.0.1 in a process of its own, ``tests/support/openai_standin.py``). Each configuration
runs the example events to their first stop with N cases in flight (``EXDESK_WORKERS`` =
N, and N requests allowed in flight to the endpoint) and prints cases/s against the
ideal: N cases in flight, each waiting ``delay`` × (model requests per case) on the
model, nothing else costing anything. Beside it, the same cases with a stand-in answering
at once: the workflow's own ceiling on this machine (database, checkpoints, signing),
which no model engine can beat.

    python -m bench.model_engines [--delay 0.8] [--in-flight 1 8 32 64] [--cases-per-slot 6]
                                  [--processes 1]

``--processes P`` (P > 1) runs the cases in a fleet instead: P ``exdesk worker`` processes
(queue mode), each with N/P cases and N/P model requests in flight, so the N in flight are
spread over P interpreters as a deployment would spread them (one Python process runs
its Python one thread at a time).

Uses ``DATABASE_URL`` when set (a fresh database is created on that server), else an
embedded server in a temporary directory.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
import urllib.request
from pathlib import Path
from typing import NamedTuple

from bench.scratch import scratch
from bench.workflow_throughput import copies_of, fresh_database
from exdesk.domain import ExceptionEvent
from exdesk.examples import example_events, example_network
from exdesk.service import ExceptionDesk
from exdesk.service.heap import settle_heap
from exdesk.settings import Settings
from tests.fleet.support import all_stopped
from tests.support.fleet import running_fleet


class StandIn:
    """The OpenAI-compatible stand-in in a process of its own (its answering costs the
    measured process nothing, as a real endpoint's would)."""

    def __init__(self, delay: float) -> None:
        self._process = subprocess.Popen(
            [sys.executable, "-m", "tests.support.openai_standin", "--delay", str(delay)],
            stdout=subprocess.PIPE,
            text=True,
        )
        assert self._process.stdout is not None
        self.base_url = self._process.stdout.readline().strip()
        if not self.base_url.startswith("http://"):
            self.close()
            raise RuntimeError("the stand-in did not start")

    @property
    def requests(self) -> int:
        """How many requests it has answered."""
        stats = self.base_url.removesuffix("/v1") + "/stats"
        with urllib.request.urlopen(stats, timeout=10) as answer:
            return int(json.load(answer)["requests"])

    def close(self) -> None:
        """Stop it."""
        self._process.terminate()
        self._process.wait(timeout=10)

    def __enter__(self) -> StandIn:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()


def batch_of(events: list[ExceptionEvent], size: int, run: str) -> list[ExceptionEvent]:
    """``size`` events cycled from the examples, each with a fresh source_event_id."""
    copies = -(-size // len(events))
    return copies_of(events, copies, run)[:size]


AGENTS = ("classifier", "extractor", "recommender", "drafter")


def model_failures(desk: ExceptionDesk, tenant: str) -> int:
    """The tenant's decision records that name a model failure."""
    with desk.db.connection() as conn:
        row = conn.execute(
            "SELECT count(*) AS n FROM decision_records"
            " WHERE tenant_id=%s AND model->>'failure' IS NOT NULL",
            (tenant,),
        ).fetchone()
    return int(row["n"]) if row else 0


class Measured(NamedTuple):
    """One configuration's run."""

    rate: float
    """Cases/s end to end: the batch's intake, then its runs until the last one stops."""
    saturated: float
    """Cases/s while all N slots were busy (NaN when not measured)."""
    requests_per_case: float
    failures: int
    """Records naming a model failure."""
    cpu: float
    """CPU seconds per case of the processes that ran the cases."""


def measure(
    settings: Settings,
    server: StandIn,
    events: list[ExceptionEvent],
    size: int,
    label: str,
) -> Measured:
    """One configuration in this process (the stand-in runs in a process of its own)."""
    with ExceptionDesk.open(settings) as desk:
        desk.load_network("warmup", example_network())
        desk.ingest("warmup", batch_of(events, 4, f"warm-{label}"))
        desk.warm_up()  # as `exdesk worker` does before its first job
        settle_heap()
        tenant = f"bench-{label}"
        desk.load_network(tenant, example_network())
        batch = batch_of(events, size, f"run-{label}")
        before = server.requests
        finished: list[float] = []
        started, cpu = time.perf_counter(), time.process_time()
        desk.ingest(
            tenant, batch, progress=lambda done, total: finished.append(time.perf_counter())
        )
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu
        requests = server.requests - before
        failures = model_failures(desk, tenant)
    return Measured(
        len(batch) / elapsed,
        saturated_rate(finished, settings.workers),
        requests / len(batch),
        failures,
        cpu / len(batch),
    )


def saturated_rate(finished: list[float], in_flight: int) -> float:
    """Cases/s while every slot was busy: from the ``in_flight``-th completion (the first
    wave done, each slot on its second case) to the one that left the queue empty (the
    ``in_flight``-th from last), leaving out the batch's intake, its start and its drain,
    when fewer cases are in flight. NaN when the batch is too small to have such a span."""
    first, last = in_flight, len(finished) - in_flight
    if last - first < in_flight:
        return float("nan")
    return (last - first) / (finished[last - 1] - finished[first - 1])


def measure_fleet(
    settings: Settings,
    server: StandIn,
    events: list[ExceptionEvent],
    size: int,
    label: str,
    processes: int,
    logs: Path,
) -> Measured:
    """Like :func:`measure`, through ``processes`` worker processes; CPU seconds per case
    are the workers'."""
    per_process = max(1, settings.workers // processes)
    engines = {
        "EXDESK_OPENAI_BASE_URL": str(server.base_url),
        "EXDESK_OPENAI_MAX_IN_FLIGHT": str(per_process),
        "EXDESK_OPENAI_TIMEOUT_SECONDS": str(settings.openai_timeout_seconds),
        "EXDESK_POOL_SIZE": str(min(128, per_process + 8)),
        **{f"EXDESK_{agent.upper()}_ENGINE": "openai" for agent in AGENTS},
    }
    # This process only stores the cases: it needs no model engine.
    local = {f"{agent}_engine": "local" for agent in AGENTS}
    queued = settings.model_copy(update={"run_cases": "queue", "openai_base_url": None, **local})
    tenant = f"bench-{label}"
    with ExceptionDesk.open(queued) as desk:
        desk.load_network(tenant, example_network())
        batch = batch_of(events, size, f"run-{label}")
        with running_fleet(
            queued, logs / label, workers=processes, concurrency=per_process, extra_env=engines
        ) as fleet:
            pids = [worker.pid for worker in fleet.workers]
            before, cpu = server.requests, cpu_seconds(pids)
            started = time.perf_counter()
            desk.accept(tenant, batch)  # queue mode: stored, the workers run them
            while not all_stopped(desk, tenant):
                time.sleep(0.05)
            elapsed = time.perf_counter() - started
            requests, cpu = server.requests - before, cpu_seconds(pids) - cpu
        failures = model_failures(desk, tenant)
    return Measured(
        len(batch) / elapsed, float("nan"), requests / len(batch), failures, cpu / len(batch)
    )


def cpu_seconds(pids: list[int]) -> float:
    """CPU seconds (user + system) the processes have used so far (Linux ``/proc``; NaN
    where it cannot be read)."""
    total = 0.0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            return float("nan")
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--delay", type=float, default=0.8, help="seconds per model answer")
    parser.add_argument("--in-flight", type=int, nargs="+", default=[1, 8, 32, 64])
    parser.add_argument(
        "--cases-per-slot", type=int, default=6, help="cases per configuration = this × N"
    )
    parser.add_argument("--min-cases", type=int, default=16)
    parser.add_argument(
        "--processes", type=int, default=1, help="worker processes (1: in this process)"
    )
    args = parser.parse_args()

    events = [e for e in example_events() if e.document is None or e.document.kind == "text"]
    rows: list[tuple[int, int, int, Measured, float, float]] = []
    with (
        scratch() as (tmp, server),
        StandIn(delay=0.0) as at_once,
        StandIn(delay=args.delay) as delayed,
    ):
        url = fresh_database(server)
        for n in args.in_flight:
            settings = Settings(
                data_dir=Path(tmp) / "data",
                database_url=url,
                telemetry_exporter="none",
                workers=n,
                pool_size=min(128, n + 8),
                openai_base_url=at_once.base_url,
                openai_max_in_flight=max(n, 1),
                openai_timeout_seconds=30,
                classifier_engine="openai",
                extractor_engine="openai",
                recommender_engine="openai",
                drafter_engine="openai",
            )
            size = max(args.min_cases, n * args.cases_per_slot)
            processes = min(args.processes, n)
            if args.processes > 1:
                logs = Path(tmp) / "logs"
                ceiling = measure_fleet(
                    settings, at_once, events, size, f"{n}-no-wait", processes, logs
                ).rate
                run = measure_fleet(settings, delayed, events, size, f"{n}", processes, logs)
            else:
                ceiling = measure(settings, at_once, events, size, f"{n}-no-wait").rate
                settings = settings.model_copy(update={"openai_base_url": delayed.base_url})
                run = measure(settings, delayed, events, size, f"{n}")
            ideal = n / (args.delay * run.requests_per_case)
            rows.append((n, processes, size, run, ideal, ceiling))
    where = (
        f"{args.processes} worker processes sharing the in-flight requests"
        if args.processes > 1
        else "one process"
    )
    print(
        f"stand-in delay {args.delay * 1000:.0f} ms per model request; all four agents on "
        f"the openai engine; {where}; ideal = in-flight / (delay × requests per case)"
    )
    print(
        f"{'in flight':>9}  {'processes':>9}  {'cases':>5}  {'requests/case':>13}  {'cases/s':>8}  "
        f"{'ideal':>7}  {'of ideal':>8}  {'saturated':>9}  {'of ideal':>8}  "
        f"{'no-wait cases/s':>15}  {'of min(ideal, no-wait)':>22}  {'model failures':>14}  "
        f"{'CPU ms/case':>11}"
    )
    for n, processes, size, run, ideal, ceiling in rows:
        print(
            f"{n:>9}  {processes:>9}  {size:>5}  {run.requests_per_case:>13.2f}  "
            f"{run.rate:>8.2f}  {ideal:>7.2f}  {run.rate / ideal:>8.0%}  "
            f"{run.saturated:>9.2f}  {run.saturated / ideal:>8.0%}  {ceiling:>15.2f}  "
            f"{run.rate / min(ideal, ceiling):>22.0%}  {run.failures:>14}  "
            f"{run.cpu * 1000:>11.0f}"
        )
    print(
        "saturated: cases/s while all N slots were busy (from the N-th completion to the "
        "N-th from last), without the batch's intake, start and drain"
    )
    print(
        "no-wait: the same cases with the stand-in answering at once (the workflow's own "
        f"ceiling on this machine; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs)"
    )


if __name__ == "__main__":
    main()
