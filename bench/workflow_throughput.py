"""Cases per second through the exception workflow, against a bare LangGraph floor.

Both run in one process on the same PostgreSQL and the same ``PostgresSaver``. The exception
workflow ingests copies of ``examples/exceptions.jsonl`` to each case's first stop, as it
runs in production: each step's decision record committed by the time anything acts on
it (records nothing acts on ride the transaction of the next one something does — a gate,
a message, the stop), LangGraph's checkpoint written when the run stops
(``durability="exit"``). The floor runs a linear graph with as many do-nothing nodes as
our cases execute on average, checkpointed after every node (``durability="sync"``: every
step durable as it ends, the baseline the issue's ratio is reported against) and, beside
it, only when it ends (``durability="exit"``: LangGraph's own cost with nothing made
durable on the way). Ours lies between the two: a crash loses only steps nothing acted on.
The ratio is the price of our own work.

    python -m bench.workflow_throughput [--copies 3] [--runs 5] [--workers 1 4]
        [--processes 2 4]

``--workers`` are threads of one process (one interpreter, as one ``exdesk worker`` runs its
concurrent jobs); ``--processes`` spreads the same work over processes, each with a desk of
its own (as a fleet of ``exdesk worker`` processes does; ``bench.worker_processes``), the
bare graph likewise — each process runs ``--copies`` copies.

Uses ``DATABASE_URL`` when set (a fresh database is created on that server), else an
embedded server in a temporary directory.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import statistics
import sys
import threading
import time
import uuid
from collections import Counter
from collections.abc import Generator, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, TypedDict

import psycopg
import psycopg.waiting
from langgraph.checkpoint.postgres import PostgresSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Durability

from bench.scratch import scratch
from bench.worker_processes import process_fleet
from exdesk.domain import ExceptionEvent
from exdesk.examples import example_events, example_network
from exdesk.service import ExceptionDesk
from exdesk.service.heap import settle_heap
from exdesk.settings import Settings
from exdesk.store.database import Database, with_database


class BareState(TypedDict):
    """The floor graph's state: one counter."""

    step: int


def bare_graph(nodes: int, saver: PostgresSaver) -> CompiledStateGraph[Any, Any, Any, Any]:
    """A linear graph of ``nodes`` nodes that do nothing but count."""
    graph = StateGraph(BareState)
    names = [f"n{i}" for i in range(nodes)]
    for name in names:
        graph.add_node(name, lambda state: {"step": state["step"] + 1})
    graph.add_edge(START, names[0])
    for before, after in itertools.pairwise(names):
        graph.add_edge(before, after)
    graph.add_edge(names[-1], END)
    return graph.compile(checkpointer=saver)


def run_bare(
    db: Database, nodes: int, cases: int, workers: int, durability: Durability = "sync"
) -> float:
    """Cases per second through the floor graph (one saver and graph per worker thread)."""
    local = threading.local()

    def one(_: int) -> None:
        graph = getattr(local, "graph", None)
        if graph is None:
            graph = local.graph = bare_graph(nodes, PostgresSaver(db.pool))
        config: Any = {"configurable": {"thread_id": f"bare-{uuid.uuid4().hex}"}}
        graph.invoke({"step": 0}, config, durability=durability)

    started = time.perf_counter()
    if workers == 1:  # in this thread, as ``ExceptionDesk.ingest`` runs a batch on one worker
        for case in range(cases):
            one(case)
    else:
        with ThreadPoolExecutor(workers) as pool:
            list(pool.map(one, range(cases)))
    return cases / (time.perf_counter() - started)


def copies_of(events: list[ExceptionEvent], copies: int, run: str) -> list[ExceptionEvent]:
    """The example events, ``copies`` times, each with a fresh source_event_id."""
    return [
        event.model_copy(update={"source_event_id": f"{event.source_event_id}#{run}-{i}"})
        for i in range(copies)
        for event in events
    ]


def run_ours(desk: ExceptionDesk, tenant: str, batch: list[ExceptionEvent]) -> float:
    """Cases per second through ``ExceptionDesk.ingest`` (intake + run to first stop)."""
    started = time.perf_counter()
    desk.ingest(tenant, batch)
    return len(batch) / (time.perf_counter() - started)


def nodes_per_case(desk: ExceptionDesk, tenant: str) -> float:
    """Workflow nodes a case executed on average (decision records minus intake)."""
    with desk.db.connection() as conn:
        row = conn.execute(
            "SELECT count(*)::float / count(DISTINCT case_id) AS n FROM decision_records"
            " WHERE tenant_id=%s AND step <> 'intake'",
            (tenant,),
        ).fetchone()
    return float(row["n"]) if row else 0.0


def _sender() -> str:
    """Who called psycopg: the first frame outside it, its pool, ``contextlib`` and the
    counters here, from the innermost out: ``langgraph`` or ``exdesk``."""
    frame: FrameType | None = sys._getframe(2)
    while frame is not None and (
        "/psycopg" in frame.f_code.co_filename
        or frame.f_code.co_filename in (__file__, contextlib.__file__)
    ):
        frame = frame.f_back
    if frame is not None and "/langgraph/" in frame.f_code.co_filename:
        return "langgraph"
    return "exdesk"


@dataclass
class Traffic:
    """What the block sent PostgreSQL, by sender."""

    statements: Counter[str] = field(default_factory=Counter)
    """Statements executed (transaction control — BEGIN, COMMIT — not counted)."""
    round_trips: Counter[str] = field(default_factory=Counter)
    """Waits that ended with the server's answer: a pipeline's statements share one."""


@contextmanager
def counted_traffic() -> Iterator[Traffic]:
    """Count the statements and the round trips to PostgreSQL in the block."""
    traffic = Traffic()
    execute, executemany = psycopg.Cursor.execute, psycopg.Cursor.executemany
    wait = psycopg.waiting.wait

    def counted_execute(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        if query not in ("BEGIN", "COMMIT"):
            traffic.statements[_sender()] += 1
        return execute(self, query, *args, **kwargs)

    def counted_executemany(self: Any, *args: Any, **kwargs: Any) -> Any:
        traffic.statements[_sender()] += 1
        return executemany(self, *args, **kwargs)

    def watched(gen: Generator[Any, Any, Any], sender: str) -> Generator[Any, Any, Any]:
        answered = False
        try:
            state = next(gen)
            while True:
                ready = yield state
                if ready is not None and ready & psycopg.waiting.Ready.R and not answered:
                    answered = True
                    traffic.round_trips[sender] += 1
                state = gen.send(ready)
        except StopIteration as stop:
            return stop.value

    def counted_wait(gen: Any, *args: Any, **kwargs: Any) -> Any:
        return wait(watched(gen, _sender()), *args, **kwargs)

    psycopg.Cursor.execute = counted_execute  # type: ignore[method-assign]
    psycopg.Cursor.executemany = counted_executemany  # type: ignore[method-assign]
    psycopg.waiting.wait = counted_wait
    try:
        yield traffic
    finally:
        psycopg.Cursor.execute = execute  # type: ignore[method-assign]
        psycopg.Cursor.executemany = executemany  # type: ignore[method-assign]
        psycopg.waiting.wait = wait


def fresh_database(server_url: str) -> str:
    """A new, empty database on the server."""
    name = f"exdesk_bench_{uuid.uuid4().hex[:8]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    return with_database(server_url, name)


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--copies", type=int, default=3, help="copies of the 79 example events")
    parser.add_argument("--runs", type=int, default=5, help="runs per configuration (median)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4], help="threads")
    parser.add_argument(
        "--processes", type=int, nargs="*", default=[2, 4], help="processes (none: skip)"
    )
    args = parser.parse_args()

    with scratch() as (tmp, server):
        url = fresh_database(server)
        events = example_events()
        network = example_network()
        results: list[tuple[int, float, float, float, float, float, float]] = []
        ours_traffic, bare_traffic, per_case = Traffic(), Traffic(), 1
        for phase, workers in enumerate(args.workers):
            settings = Settings(
                data_dir=Path(tmp) / "data",
                database_url=url,
                telemetry_exporter="none",
                workers=workers,
            )
            with ExceptionDesk.open(settings) as desk:
                desk.load_network("warmup", network)
                desk.ingest("warmup", copies_of(events[:8], 1, "warm"))  # train, warm caches
                desk.warm_up()  # as `exdesk worker` does before its first job
                settle_heap()
                ours, bare, bare_exit = [], [], []
                nodes = 0.0
                for run in range(args.runs):
                    # a tenant and events of their own for every phase (a worker count
                    # given twice must not find its events already taken in)
                    tenant = f"bench-{phase}-{workers}-{run}"
                    desk.load_network(tenant, network)
                    batch = copies_of(events, args.copies, f"{phase}-{workers}-{run}")
                    ours.append(run_ours(desk, tenant, batch))
                    nodes = nodes_per_case(desk, tenant)
                    bare.append(run_bare(desk.db, round(nodes), len(batch), workers))
                    bare_exit.append(
                        run_bare(desk.db, round(nodes), len(batch), workers, durability="exit")
                    )
                results.append(
                    (
                        workers,
                        nodes,
                        statistics.median(ours),
                        statistics.median(bare),
                        statistics.median(bare_exit),
                        # each run's ours against the floor measured right after it
                        statistics.median(o / b for o, b in zip(ours, bare, strict=True)),
                        statistics.median(o / b for o, b in zip(ours, bare_exit, strict=True)),
                    )
                )
                if phase == 0:
                    batch = copies_of(events, 1, f"count-{workers}")
                    desk.load_network("count", network)
                    with counted_traffic() as ours_traffic:
                        desk.ingest("count", batch)
                    with counted_traffic() as bare_traffic:
                        run_bare(desk.db, round(nodes), len(batch), 1)
                    per_case = len(batch)
        spread: list[tuple[int, float, float, float]] = []
        for n in args.processes:
            with process_fleet(url, Path(tmp) / "data", n) as fleet:
                ours, bare = [], []
                for run in range(args.runs):
                    ours.append(fleet.rate("ours", f"{n}-{run}", args.copies, round(nodes)))
                    bare.append(fleet.rate("bare", f"{n}-{run}", args.copies, round(nodes)))
            of_bare = statistics.median(o / b for o, b in zip(ours, bare, strict=True))
            spread.append((n, statistics.median(ours), statistics.median(bare), of_bare))
        cases = len(events) * args.copies
        print(
            f"{cases} cases per run, median of {args.runs} runs, PostgresSaver; bare graph"
            " checkpointed after every node (sync) and only at its end (exit); a ratio is the"
            " median of each run's own against the floor measured right after it"
        )
        print(
            f"{'workers':>7}  {'nodes/case':>10}  {'exdesk cases/s':>14}  "
            f"{'bare sync cases/s':>17}  {'ours / bare sync':>16}  "
            f"{'bare exit cases/s':>17}  {'ours / bare exit':>16}"
        )
        for workers, nodes, ours_rate, bare_rate, exit_rate, of_bare, of_exit in results:
            print(
                f"{workers:>7}  {nodes:>10.1f}  {ours_rate:>14.1f}  {bare_rate:>17.1f}  "
                f"{of_bare:>16.0%}  {exit_rate:>17.1f}  {of_exit:>16.0%}"
            )
        if spread:
            print(
                f"the same spread over processes ({cases} cases a process, each with its own"
                " desk — or bare graph — and pool)"
            )
            print(
                f"{'processes':>9}  {'exdesk cases/s':>14}  {'bare sync cases/s':>17}  "
                f"{'ours / bare sync':>16}"
            )
            for n, ours_rate, bare_rate, of_bare in spread:
                print(f"{n:>9}  {ours_rate:>14.1f}  {bare_rate:>17.1f}  {of_bare:>16.0%}")
        for what in ("statements", "round_trips"):
            ours_counts, bare_counts = getattr(ours_traffic, what), getattr(bare_traffic, what)
            own, graph = ours_counts["exdesk"] / per_case, ours_counts["langgraph"] / per_case
            print(
                f"{what.replace('_', ' ')} per case: ours {own + graph:.1f} ({own:.1f} ours,"
                f" {graph:.1f} LangGraph's checkpointer); bare graph"
                f" {sum(bare_counts.values()) / per_case:.1f}"
            )


if __name__ == "__main__":
    main()
