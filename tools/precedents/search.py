"""Nearest final cases of one tenant: an HNSW walk for a large tenant, an exact scan of a
small tenant's rows, and the rule that picks between them."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from psycopg import Connection, sql
from psycopg.rows import DictRow

from exdesk.tools.precedents.store import VectorSpace, vector_literal

EXACT_ROWS_PER_CANDIDATE: Final = 10
"""Scanning one row exactly costs about a tenth of visiting one HNSW candidate
(bench/precedents.py on two cores: ≈0.9 µs per row scanned, ≈9–11 µs per candidate)."""

MAX_EF_SEARCH: Final = 1000
"""pgvector's upper limit for ``hnsw.ef_search``."""


@dataclass(frozen=True)
class SearchPlan:
    """How one search runs: exactly, or through the HNSW index with this ``ef_search``."""

    exact: bool
    ef_search: int


def plan_search(tenant_rows: int, total_rows: int, ef_search: int, k: int) -> SearchPlan:
    """An exact scan of the tenant's rows when that is the cheaper search, else an HNSW walk.

    The walk visits at least ``ef_search`` candidates, and — since the iterative scan goes
    on until ``k`` of them belong to the tenant — about ``k / share`` when the tenant holds
    a small share of the embedder's rows. Scanning the tenant's rows costs about a tenth
    per row, and is exact. Measured (bench/precedents.py, 112,000 rows): a tenant of 2,000
    rows gets recall 1.0 in ~1 ms by scan against 0.94 in ~7 ms by walk; tenants of 10,000
    and 100,000 rows get ≈0.96 in 2–3 ms by walk, where a scan takes 9 and 60 ms.
    """
    share = tenant_rows / max(total_rows, tenant_rows, 1)
    walk = max(ef_search, k, math.ceil(k / share) if share > 0 else 0)
    if tenant_rows <= EXACT_ROWS_PER_CANDIDATE * walk:
        return SearchPlan(exact=True, ef_search=0)
    return SearchPlan(exact=False, ef_search=min(MAX_EF_SEARCH, max(ef_search, k)))


def tenant_row_counts(conn: Connection[DictRow], space: VectorSpace) -> dict[str, int]:
    """How many rows each tenant holds for this embedder (an index-only scan)."""
    rows = conn.execute(
        "SELECT tenant_id, count(*) AS n FROM case_embeddings WHERE embedder = %s"
        " GROUP BY tenant_id",
        (space.embedder,),
    ).fetchall()
    return {row["tenant_id"]: int(row["n"]) for row in rows}


def search_sql(space: VectorSpace, *, exact: bool = False) -> sql.Composed:
    """The k-nearest query of one embedder in one tenant (parameters ``q``, ``tenant_id``,
    ``exclude``, ``k``).

    The approximate form orders by the indexed expression under the index's predicate, so
    the planner can walk the embedder's partial HNSW index. The exact form orders by the
    same distance computed on the bare column, which no HNSW index matches: it always
    compares the query with every row of the tenant.
    """
    distance: sql.Composable
    if exact:
        distance = sql.SQL("embedding <=> %(q)s::vector")
    else:
        distance = sql.SQL("{column} <=> %(q)s::{type}").format(
            column=space.column_sql, type=space.type_sql
        )
    return sql.SQL(
        "SELECT case_id, category, status, resolution, approved_by, summary, resolved_at,"
        " {distance} AS distance FROM case_embeddings"
        " WHERE {predicate} AND tenant_id = %(tenant_id)s AND case_id <> %(exclude)s"
        " AND status IN ('resolved', 'rejected')"
        " ORDER BY {distance} LIMIT %(k)s"
    ).format(distance=distance, predicate=space.predicate_sql)


def nearest(
    conn: Connection[DictRow],
    space: VectorSpace,
    tenant_id: str,
    query: npt.NDArray[np.float32],
    *,
    k: int,
    plan: SearchPlan,
    exclude_case_id: str = "",
) -> list[dict[str, Any]]:
    """The ``k`` nearest final cases of the tenant (cosine distance), nearest first.

    For an HNSW search, ``hnsw.ef_search`` is set for this transaction only, and the
    iterative scan keeps walking the graph while the tenant and self filters discard
    candidates, so the tenant still gets ``k`` results, in distance order.
    """
    params = {"q": vector_literal(query), "tenant_id": tenant_id, "exclude": exclude_case_id}
    with conn.transaction():
        if not plan.exact:
            conn.execute(
                "SELECT set_config('hnsw.ef_search', %s, true),"
                " set_config('hnsw.iterative_scan', 'strict_order', true)",
                (str(max(plan.ef_search, k)),),
            )
        # Planned per call, never from a cached generic plan, so the planner sees the
        # tenant and the partial index's literal predicate every time.
        return conn.execute(
            search_sql(space, exact=plan.exact), {**params, "k": k}, prepare=False
        ).fetchall()
