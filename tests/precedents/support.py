"""Helpers of the precedent tests: final cases without running the workflow, a renamed
embedder, a hashing embedder. (The OpenAI client on a respx router is the model-client
tests', ``tests.llm.support.openai_client``.)"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Sequence
from datetime import UTC, datetime

import numpy as np
from psycopg.types.json import Jsonb

from exdesk.domain import (
    CATEGORY_ROUTE,
    Case,
    CaseClassification,
    CaseStatus,
    Category,
    ExceptionEvent,
)
from exdesk.service import ExceptionDesk
from exdesk.tools.precedents import Embedder
from exdesk.tools.precedents.embedder import Vectors, l2_normalise


def closed_case(
    desk: ExceptionDesk,
    tenant: str,
    summary: str,
    *,
    status: CaseStatus = "resolved",
    category: Category = "carrier_delay",
) -> Case:
    """A case in ``status`` with ``category``, its row set directly (no workflow run)."""
    event = ExceptionEvent(
        source="manual",
        source_event_id=f"T-{uuid.uuid4().hex[:10]}",
        occurred_at=datetime(2026, 3, 2, 9, 30, tzinfo=UTC),
        summary=summary,
    )
    ref = desk.submit(tenant, event)
    classification = CaseClassification(category=category, confidence=0.9, engine="local")
    with desk.db.connection() as conn:
        conn.execute(
            "UPDATE cases SET status=%s, category=%s, route=%s, classification=%s WHERE case_id=%s",
            (
                status,
                category,
                CATEGORY_ROUTE[category],
                Jsonb(classification.model_dump(mode="json")),
                ref.case_id,
            ),
        )
    return desk.case(tenant, ref.case_id)


class RenamedEmbedder:
    """Another embedder's vectors under another name: same dimension, identical vectors."""

    def __init__(self, inner: Embedder, name: str) -> None:
        self._inner = inner
        self.name = name
        self.dim = inner.dim

    def embed(self, texts: Sequence[str]) -> Vectors:
        """The inner embedder's vectors."""
        return self._inner.embed(texts)


class HashingEmbedder:
    """Words hashed into ``dim`` buckets: a stand-in for a large remote embedding model."""

    def __init__(self, dim: int) -> None:
        self.dim = dim
        self.name = f"test-hashing-{dim}"

    def embed(self, texts: Sequence[str]) -> Vectors:
        """One unit vector per text, near for texts sharing words."""
        rows = np.zeros((len(texts), self.dim), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in text.lower().split():
                digest = hashlib.sha256(word.encode()).digest()
                rows[row, int.from_bytes(digest[:4], "little") % self.dim] += 1.0
        return l2_normalise(rows)
