"""Cases per second through the exception workflow, against a bare LangGraph floor.

Both run in one process on the same PostgreSQL and the same ``PostgresSaver``. The exception
workflow ingests copies of ``examples/exceptions.jsonl`` to each case's first stop, as it
runs in production: each step's decision record committed as it is made, LangGraph's
checkpoint written when the run stops (``durability="exit"``). The floor runs a linear graph
with as many do-nothing nodes as our cases execute on average, checkpointed after every
node (``durability="sync"``: a bare graph made as durable as ours, the baseline the ratio
is reported against) and, beside it, only when it ends (``durability="exit"``: LangGraph's
own cost with nothing made durable on the way). The ratio is the price of our own work.

    python -m bench.workflow_throughput [--copies 3] [--runs 5] [--workers 1 4]

Uses ``DATABASE_URL`` when set (a fresh database is created on that server), else an
embedded server in a temporary directory.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from types import FrameType
from typing import Any, TypedDict

import psycopg
from langgraph.checkpoint.postgres import PostgresSaver
from langgraph.graph import END, START, StateGraph
from langgraph.graph.state import CompiledStateGraph
from langgraph.types import Durability

from exdesk.domain import ExceptionEvent
from exdesk.examples import example_events, example_network
from exdesk.service import ExceptionDesk
from exdesk.service.heap import settle_heap
from exdesk.settings import Settings
from exdesk.store.database import Database, resolve_database_url, with_database


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


@contextmanager
def counted_statements() -> Iterator[Counter[str]]:
    """Count the statements sent to PostgreSQL in the block (each one round trip, except
    those LangGraph pipelines), by who sent them: ``langgraph`` or ``exdesk``."""
    counts: Counter[str] = Counter()
    execute, executemany = psycopg.Cursor.execute, psycopg.Cursor.executemany

    def sender() -> str:
        """Who called psycopg: the first frame outside it, from the innermost out."""
        frame: FrameType | None = sys._getframe(2)
        while frame is not None and "/psycopg" in frame.f_code.co_filename:
            frame = frame.f_back
        if frame is not None and "/langgraph/" in frame.f_code.co_filename:
            return "langgraph"
        return "exdesk"

    def counted_execute(self: Any, *args: Any, **kwargs: Any) -> Any:
        counts[sender()] += 1
        return execute(self, *args, **kwargs)

    def counted_executemany(self: Any, *args: Any, **kwargs: Any) -> Any:
        counts[sender()] += 1
        return executemany(self, *args, **kwargs)

    psycopg.Cursor.execute = counted_execute  # type: ignore[method-assign]
    psycopg.Cursor.executemany = counted_executemany  # type: ignore[method-assign]
    try:
        yield counts
    finally:
        psycopg.Cursor.execute = execute  # type: ignore[method-assign]
        psycopg.Cursor.executemany = executemany  # type: ignore[method-assign]


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
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 4])
    args = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="exdesk-bench-") as tmp:
        configured = os.environ.get("DATABASE_URL") or os.environ.get("EXDESK_DATABASE_URL")
        url = fresh_database(resolve_database_url(configured, Path(tmp)))
        events = example_events()
        network = example_network()
        results: list[tuple[int, float, float, float, float, float, float]] = []
        statements = (0.0, 0.0, 0.0)
        for workers in args.workers:
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
                    tenant = f"bench-{workers}-{run}"
                    desk.load_network(tenant, network)
                    batch = copies_of(events, args.copies, f"{workers}-{run}")
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
                if workers == args.workers[0]:
                    batch = copies_of(events, 1, f"count-{workers}")
                    desk.load_network("count", network)
                    with counted_statements() as ours_counts:
                        desk.ingest("count", batch)
                    with counted_statements() as bare_counts:
                        run_bare(desk.db, round(nodes), len(batch), 1)
                    statements = (
                        ours_counts["exdesk"] / len(batch),
                        ours_counts["langgraph"] / len(batch),
                        sum(bare_counts.values()) / len(batch),
                    )
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
        ours_own, ours_graph, bare_all = statements
        print(
            f"statements per case: ours {ours_own + ours_graph:.1f} ({ours_own:.1f} ours,"
            f" {ours_graph:.1f} LangGraph's checkpointer); bare graph {bare_all:.1f}"
        )


if __name__ == "__main__":
    main()
