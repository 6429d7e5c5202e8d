"""Precedent search: the final cases of a tenant most like a given case, and their outcome."""

from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable
from datetime import datetime
from typing import Any, Final

from psycopg import Connection
from psycopg.rows import DictRow
from pydantic import BaseModel, Field

from exdesk.domain import Case, Category
from exdesk.errors import NotFoundError
from exdesk.masking import mask_text
from exdesk.store.case_view import load_case
from exdesk.store.database import Database
from exdesk.tools.precedents.embedder import Embedder, Vectors, case_text
from exdesk.tools.precedents.resolution import (
    PRECEDENT_STATUSES,
    PrecedentStatus,
    Resolution,
    resolved_at,
)
from exdesk.tools.precedents.search import SearchPlan, nearest, plan_search, tenant_row_counts
from exdesk.tools.precedents.store import (
    EmbeddingRow,
    VectorSpace,
    ensure_index,
    stored_vector,
    upsert_embedding,
)

logger = logging.getLogger(__name__)

EF_SEARCH: Final = 300
"""``hnsw.ef_search`` of a precedent search (raised to k when k is larger). Measured by
``python -m bench.precedents`` on 100,000 real-text embeddings of the local embedder
(HNSW m 16, ef_construction 200; 1,000 held-out queries; two cores shared with other
work): recall@10 against an exact scan 0.91 at pgvector's default of 40, 0.96 at 200,
0.97 at 300 and 0.98 at 400, for a p99 of 2.9, 3.8, 4.9 and 6.8 ms. 300 keeps two points
of recall above the 0.95 target and half the 10 ms budget in hand."""

COUNTS_TTL_SECONDS: Final = 300.0
"""How long per-tenant row counts (which pick exact or HNSW search) are reused."""

SNIPPET_CHARS: Final = 200
"""How much of a precedent's event summary is shown."""


class Precedent(BaseModel):
    """A final case like the one at hand: what it was, how it ended, who approved."""

    case_id: str
    similarity: float = Field(description="Cosine similarity of the two cases' embeddings.")
    category: Category | None
    status: PrecedentStatus
    resolution: Resolution
    approved_by: list[str]
    resolved_at: datetime
    summary: str = Field(description="The head of its event summary, personal data masked.")


def snippet(text: str) -> str:
    """The masked head of a summary, on one line."""
    flat = " ".join(mask_text(text).split())
    return flat if len(flat) <= SNIPPET_CHARS else flat[: SNIPPET_CHARS - 1] + "…"


class PrecedentIndex:
    """Indexes final cases with one embedder and searches among that embedder's vectors.

    Safe to share between threads. The embedder's HNSW index is created on first use.
    """

    def __init__(
        self,
        db: Database,
        embedder: Embedder,
        *,
        resolve: Callable[[Case], Resolution],
        ef_search: int = EF_SEARCH,
    ) -> None:
        self.db = db
        self.embedder = embedder
        self.resolve = resolve
        """How a final case was handled (the workflow knows how to read it)."""
        self.ef_search = ef_search
        self.space = VectorSpace(embedder.name, embedder.dim)
        self._ready = False
        self._lock = threading.Lock()
        self._counts: dict[str, int] = {}
        self._counted_at = -COUNTS_TTL_SECONDS

    def ensure_index(self, conn: Connection[DictRow]) -> None:
        """Create this embedder's HNSW index if it is missing (once per instance)."""
        with self._lock:
            if not self._ready:
                if ensure_index(conn, self.space):
                    logger.info("created the precedent index %s", self.space.index_name)
                self._ready = True

    def index_case(self, conn: Connection[DictRow], case: Case) -> bool:
        """Store the embedding and resolution of a resolved or rejected case.

        Returns False (storing nothing) for a case in any other status. Idempotent: indexing
        a case again replaces its row, or leaves it untouched when nothing changed.
        """
        if case.status not in PRECEDENT_STATUSES:
            return False
        self.ensure_index(conn)
        vector = self.embedder.embed([case_text(case)])[0]
        resolution = self.resolve(case)
        upsert_embedding(
            conn,
            self.space,
            EmbeddingRow(
                case_id=case.case_id,
                tenant_id=case.tenant_id,
                vector=vector,
                category=resolution.category,
                status=case.status,
                resolution=resolution.model_dump(mode="json"),
                approved_by=resolution.approved_by,
                summary=snippet(case.event.summary),
                resolved_at=resolved_at(case),
            ),
        )
        return True

    def index_final_case(self, tenant_id: str, case_id: str) -> bool:
        """Load a case and index it if it is resolved or rejected (what a workflow hook calls)."""
        with self.db.connection() as conn:
            case = load_case(conn, tenant_id, case_id)
            if case is None:
                raise NotFoundError(f"case {case_id} not found")
            return self.index_case(conn, case)

    def backfill(self, tenant_id: str) -> int:
        """Index every final case of the tenant this embedder has not indexed; how many."""
        with self.db.connection() as conn:
            rows = conn.execute(
                "SELECT c.case_id FROM cases c LEFT JOIN case_embeddings e"
                " ON e.case_id = c.case_id AND e.embedder = %s"
                " WHERE c.tenant_id = %s AND c.status = ANY(%s) AND e.case_id IS NULL"
                " ORDER BY c.created_at",
                (self.space.embedder, tenant_id, sorted(PRECEDENT_STATUSES)),
            ).fetchall()
            done = 0
            for row in rows:
                case = load_case(conn, tenant_id, row["case_id"])
                if case is not None and self.index_case(conn, case):
                    done += 1
        return done

    def _query_vector(self, conn: Connection[DictRow], case: Case) -> Vectors:
        stored = stored_vector(conn, self.space, case.tenant_id, case.case_id)
        return stored if stored is not None else self.embedder.embed([case_text(case)])

    def plan(self, conn: Connection[DictRow], tenant_id: str, k: int) -> SearchPlan:
        """Exact or HNSW for this tenant, from row counts refreshed every few minutes."""
        with self._lock:
            if time.monotonic() - self._counted_at > COUNTS_TTL_SECONDS:
                self._counts = tenant_row_counts(conn, self.space)
                self._counted_at = time.monotonic()
            counts = self._counts
        return plan_search(counts.get(tenant_id, 0), sum(counts.values()), self.ef_search, k)

    def similar(self, tenant_id: str, case: Case, k: int = 5) -> list[Precedent]:
        """The ``k`` resolved or rejected cases of the tenant most like ``case``, nearest
        first, never ``case`` itself, only among this embedder's vectors."""
        if case.tenant_id != tenant_id:
            raise NotFoundError(f"case {case.case_id} not found")
        with self.db.connection() as conn:
            query = self._query_vector(conn, case)[0]
        return self.nearest_to(tenant_id, query, k, exclude_case_id=case.case_id)

    def nearest_to(
        self, tenant_id: str, vector: Vectors, k: int = 5, *, exclude_case_id: str = ""
    ) -> list[Precedent]:
        """The ``k`` final cases of the tenant nearest to an embedding of this embedder."""
        if k < 1:
            return []
        with self.db.connection() as conn:
            self.ensure_index(conn)
            plan = self.plan(conn, tenant_id, k)
            rows = nearest(
                conn,
                self.space,
                tenant_id,
                vector,
                k=k,
                plan=plan,
                exclude_case_id=exclude_case_id,
            )
        return [_precedent(row) for row in rows]


def _precedent(row: dict[str, Any]) -> Precedent:
    return Precedent(
        case_id=row["case_id"],
        similarity=round(1.0 - float(row["distance"]), 6),
        category=row["category"],
        status=row["status"],
        resolution=Resolution.model_validate(row["resolution"]),
        approved_by=list(row["approved_by"]),
        resolved_at=row["resolved_at"],
        summary=snippet(row["summary"]),
    )
