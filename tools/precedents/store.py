"""The ``case_embeddings`` table: per-embedder partial HNSW indexes and upserts.

Every vector is searched only against vectors of the same embedder: the index and every
query share one expression — ``(embedding::vector(<dim>))`` — and one predicate —
``embedder = '<name>'`` — written as literals so the planner can match the partial index.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Final

import numpy as np
import numpy.typing as npt
from psycopg import Connection, sql
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb

from exdesk.tools.precedents.embedder import Vectors, check_embedder_name

HNSW_M: Final = 16
HNSW_EF_CONSTRUCTION: Final = 200
"""Graph parameters. Measured in one run on 100,000 local-embedder vectors of real texts
(the same 500 held-out queries; recall@10 at ef_search 200 / p99 ms / build s): m 16,
ef_construction 128: 0.949 / 4.7 / 28; 16/200: 0.973 / 5.5 / 46; 24/128: 0.967 / 7.4 / 42;
24/200: 0.980 / 7.6 / 58, with a 20 % larger index. 16/200 pays for recall with build
time, which is paid once, rather than with query time or index size."""

_INDEX_LOCK: Final = 7_362_002
"""Advisory lock key: two processes creating the same embedder's index take turns."""


@dataclass(frozen=True)
class VectorSpace:
    """One embedder's vectors: its name and dimension, and the SQL that addresses them."""

    embedder: str
    dim: int

    def __post_init__(self) -> None:
        check_embedder_name(self.embedder)
        if not 0 < self.dim <= 4000:
            raise ValueError(f"dimension {self.dim} is outside 1..4000 (pgvector's HNSW limit)")

    @property
    def type_sql(self) -> sql.Composable:
        """``vector(dim)``, or ``halfvec(dim)`` above HNSW's 2,000-dimension vector limit."""
        kind = "vector" if self.dim <= 2000 else "halfvec"
        return sql.SQL(f"{kind}({int(self.dim)})")

    @property
    def opclass_sql(self) -> sql.Composable:
        """The cosine operator class of the indexed type."""
        return sql.SQL("vector_cosine_ops" if self.dim <= 2000 else "halfvec_cosine_ops")

    @property
    def column_sql(self) -> sql.Composable:
        """The indexed expression, exactly as queries must write it."""
        return sql.SQL("(embedding::{})").format(self.type_sql)

    @property
    def predicate_sql(self) -> sql.Composable:
        """The partial index's predicate, exactly as queries must write it."""
        return sql.SQL("embedder = {}").format(sql.Literal(self.embedder))

    @property
    def index_name(self) -> str:
        """A stable index name, unique per (embedder, dimension), within 63 characters."""
        slug = "".join(c if c.isalnum() else "_" for c in self.embedder)[:26]
        tag = hashlib.sha256(f"{self.embedder}|{self.dim}".encode()).hexdigest()[:8]
        return f"case_embeddings_hnsw_{slug}_{self.dim}_{tag}"


def vector_literal(vector: npt.NDArray[np.float32]) -> str:
    """pgvector's text form of one vector."""
    return "[" + ",".join(f"{x:.7g}" for x in vector.tolist()) + "]"


def parse_vector(text: str) -> Vectors:
    """One vector from pgvector's text form, as a 1×dim float32 array."""
    return np.asarray([json.loads(text)], dtype=np.float32)


def index_exists(conn: Connection[DictRow], space: VectorSpace) -> bool:
    """Whether the embedder's HNSW index exists."""
    row = conn.execute(
        "SELECT 1 FROM pg_indexes WHERE tablename = 'case_embeddings' AND indexname = %s",
        (space.index_name,),
    ).fetchone()
    return row is not None


def ensure_index(
    conn: Connection[DictRow], space: VectorSpace, maintenance_work_mem: str = "256MB"
) -> bool:
    """Create the embedder's partial HNSW index unless it exists; True when created now.

    Building over existing rows holds a lock that blocks writes to the table: create the
    index before an embedder's first rows (as :class:`PrecedentIndex` does) or off-hours.
    """
    if index_exists(conn, space):
        return False
    with conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s)", (_INDEX_LOCK,))
        if index_exists(conn, space):
            return False
        conn.execute("SELECT set_config('maintenance_work_mem', %s, true)", (maintenance_work_mem,))
        # The application role owns no table: the owner's function builds exactly this
        # index (the same expression, operator class and predicate as VectorSpace writes).
        conn.execute(
            "SELECT exdesk_create_embedding_index(%s, %s, %s, %s, %s)",
            (space.index_name, space.embedder, space.dim, HNSW_M, HNSW_EF_CONSTRUCTION),
        )
    return True


@dataclass(frozen=True)
class EmbeddingRow:
    """One final case's embedding and what became of it."""

    case_id: str
    tenant_id: str
    vector: npt.NDArray[np.float32]
    category: str | None
    status: str
    resolution: dict[str, Any]
    approved_by: list[str]
    summary: str
    resolved_at: datetime


def upsert_embedding(conn: Connection[DictRow], space: VectorSpace, row: EmbeddingRow) -> bool:
    """Insert or replace a case's embedding; True when something changed.

    Idempotent on ``case_id``: writing the same row again changes nothing (and adds no
    dead tuple to the HNSW graph); a new embedder's vector replaces the old one.
    """
    if row.vector.shape != (space.dim,):
        raise ValueError(f"vector of shape {row.vector.shape} for {space.embedder}")
    cursor = conn.execute(
        "INSERT INTO case_embeddings AS e (case_id, tenant_id, embedder, dim, embedding,"
        " category, status, resolution, approved_by, summary, resolved_at)"
        " VALUES (%(case_id)s, %(tenant_id)s, %(embedder)s, %(dim)s, %(vector)s::vector,"
        " %(category)s, %(status)s, %(resolution)s, %(approved_by)s, %(summary)s,"
        " %(resolved_at)s)"
        " ON CONFLICT (case_id) DO UPDATE SET embedder = EXCLUDED.embedder,"
        " dim = EXCLUDED.dim, embedding = EXCLUDED.embedding, category = EXCLUDED.category,"
        " status = EXCLUDED.status, resolution = EXCLUDED.resolution,"
        " approved_by = EXCLUDED.approved_by, summary = EXCLUDED.summary,"
        " resolved_at = EXCLUDED.resolved_at, indexed_at = now()"
        " WHERE e.tenant_id = EXCLUDED.tenant_id AND (e.embedder, e.dim, e.embedding,"
        " e.category, e.status, e.resolution, e.approved_by, e.summary, e.resolved_at)"
        " IS DISTINCT FROM (EXCLUDED.embedder, EXCLUDED.dim, EXCLUDED.embedding,"
        " EXCLUDED.category, EXCLUDED.status, EXCLUDED.resolution, EXCLUDED.approved_by,"
        " EXCLUDED.summary, EXCLUDED.resolved_at)",
        {
            "case_id": row.case_id,
            "tenant_id": row.tenant_id,
            "embedder": space.embedder,
            "dim": space.dim,
            "vector": vector_literal(row.vector),
            "category": row.category,
            "status": row.status,
            "resolution": Jsonb(row.resolution),
            "approved_by": row.approved_by,
            "summary": row.summary,
            "resolved_at": row.resolved_at,
        },
    )
    return cursor.rowcount > 0


def stored_vector(
    conn: Connection[DictRow], space: VectorSpace, tenant_id: str, case_id: str
) -> Vectors | None:
    """The case's stored vector when this embedder made it, else None."""
    row = conn.execute(
        "SELECT embedding::text AS v FROM case_embeddings"
        " WHERE tenant_id = %s AND case_id = %s AND embedder = %s",
        (tenant_id, case_id, space.embedder),
    ).fetchone()
    return None if row is None else parse_vector(row["v"])
