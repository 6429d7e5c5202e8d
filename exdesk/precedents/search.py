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

from exdesk.precedents.store import VectorSpace, vector_literal

EXACT_SCAN_MAX_ROWS: Final = 5_000
"""Up to this many rows a tenant is searched exactly: scanning its rows (through the
``(tenant_id, embedder)`` index) costs a few milliseconds, while an HNSW walk over a graph
shared with larger tenants would discard most of what it visits and lose recall."""

MAX_EF_SEARCH: Final = 1000
"""pgvector's upper limit for ``hnsw.ef_search``."""


@dataclass(frozen=True)
class SearchPlan:
    """How one search runs: exactly, or through the HNSW index with this ``ef_search``."""

    exact: bool
    ef_search: int


def plan_search(tenant_rows: int, total_rows: int, ef_search: int, k: int) -> SearchPlan:
    """Exact for a small tenant; otherwise HNSW, with ``ef_search`` scaled by the inverse of
    the tenant's share of the embedder's rows (capped at pgvector's limit).

    The walk visits nearest vectors of every tenant and the tenant filter discards the
    others, so a tenant holding a share s of the index sees about ``s × ef_search`` of its
    own candidates: dividing by s keeps its effective candidate list at ``ef_search``.
    """
    if tenant_rows <= EXACT_SCAN_MAX_ROWS:
        return SearchPlan(exact=True, ef_search=0)
    share = min(1.0, tenant_rows / max(total_rows, tenant_rows))
    return SearchPlan(
        exact=False, ef_search=min(MAX_EF_SEARCH, max(k, math.ceil(ef_search / share)))
    )


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
