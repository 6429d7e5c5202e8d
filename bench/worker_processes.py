"""Cases per second with the work spread over processes, as a fleet of ``exdesk worker``
processes spreads it: each process its own interpreter, desk and pool, on one PostgreSQL.

Threads in one process share one interpreter lock, so they add throughput only while
cases wait on the database; worker processes add it until the machine's cores are busy.
:class:`ProcessFleet` keeps ``n`` processes alive across runs (started and warmed once):
each run hands every process its share, starts them together, and counts from the first
start to the last finish. The same processes run our workflow and the bare graph, in turn.
"""

from __future__ import annotations

import multiprocessing
import queue
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from multiprocessing.queues import Queue
from multiprocessing.synchronize import Barrier
from pathlib import Path
from typing import Literal

from exdesk.service import ExceptionDesk
from exdesk.settings import Settings

Kind = Literal["ours", "bare"]


@dataclass(frozen=True)
class Share:
    """One process's part of a run."""

    kind: Kind
    run: str
    """Names the run's tenant and events (each process takes its own)."""
    copies: int
    """Copies of the example events this process runs."""
    nodes: int
    """The bare graph's nodes."""


def _serve(
    url: str,
    data_dir: str,
    index: int,
    orders: Queue[Share | None],
    barrier: Barrier,
    results: Queue[tuple[float, float, int]],
) -> None:
    """A bench worker process: a desk of its own, warmed once, running shares until told to
    stop (``None``)."""
    from bench.workflow_throughput import copies_of, run_bare
    from exdesk.examples import example_events, example_network
    from exdesk.service.heap import settle_heap

    settings = Settings(
        data_dir=Path(data_dir), database_url=url, telemetry_exporter="none", workers=1
    )
    events, network = example_events(), example_network()
    with ExceptionDesk.open(settings) as desk:
        tenant = f"process-warmup-{index}"
        desk.load_network(tenant, network)
        desk.ingest(tenant, copies_of(events[:8], 1, tenant))
        desk.warm_up()
        settle_heap()
        results.put((0.0, 0.0, 0))  # warmed
        while (share := orders.get()) is not None:
            tenant = f"process-{share.run}-{index}"
            batch = copies_of(events, share.copies, tenant)
            if share.kind == "ours":
                desk.load_network(tenant, network)
            barrier.wait()
            started = time.perf_counter()
            if share.kind == "ours":
                desk.ingest(tenant, batch)
            else:
                run_bare(desk.db, share.nodes, len(batch), 1)
            results.put((started, time.perf_counter(), len(batch)))


class ProcessFleet:
    """``n`` warmed bench processes on one database."""

    def __init__(self, url: str, data_dir: Path, n: int) -> None:
        context = multiprocessing.get_context("spawn")  # no inherited pool or server handles
        self._results: Queue[tuple[float, float, int]] = context.Queue()
        self._barrier = context.Barrier(n)
        self._orders: list[Queue[Share | None]] = [context.Queue() for _ in range(n)]
        self._processes = [
            context.Process(
                target=_serve,
                args=(url, str(data_dir), i, self._orders[i], self._barrier, self._results),
                daemon=True,
            )
            for i in range(n)
        ]
        for process in self._processes:
            process.start()
        for _ in self._processes:
            self._result()  # each warmed

    def _result(self) -> tuple[float, float, int]:
        """The next process's answer; an error as soon as one of them has died."""
        while True:
            try:
                return self._results.get(timeout=1)
            except queue.Empty:
                dead = [p.exitcode for p in self._processes if not p.is_alive()]
                if dead:
                    raise RuntimeError(f"a bench worker process died (exit {dead[0]})") from None

    def rate(self, kind: Kind, run: str, copies: int, nodes: int) -> float:
        """Cases per second: every process runs ``copies`` copies of the example events."""
        for orders in self._orders:
            orders.put(Share(kind, run, copies, nodes))
        done = [self._result() for _ in self._processes]
        started, finished = min(d[0] for d in done), max(d[1] for d in done)
        return sum(d[2] for d in done) / (finished - started)

    def close(self) -> None:
        """Stop the processes (any waiting for a run's start — one died — are released)."""
        self._barrier.abort()
        for orders in self._orders:
            orders.put(None)
        for process in self._processes:
            process.join(timeout=60)
            if process.is_alive():
                process.kill()


@contextmanager
def process_fleet(url: str, data_dir: Path, n: int) -> Iterator[ProcessFleet]:
    """:class:`ProcessFleet`, stopped at the end of the block."""
    fleet = ProcessFleet(url, data_dir, n)
    try:
        yield fleet
    finally:
        fleet.close()
