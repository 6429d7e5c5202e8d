"""Precedent search: for a case, the most similar resolved or rejected cases of its tenant,
with their category, resolution and who approved them.

Embedders sit behind one :class:`Embedder` interface (``LocalEmbedder`` by default,
``OpenAIEmbedder`` optionally); vectors live in ``case_embeddings`` with one partial HNSW
index per embedder, so a search never compares vectors of two embedders.
"""

from typing import TYPE_CHECKING

from exdesk.tools.precedents.embedder import Embedder, case_text, l2_normalise
from exdesk.tools.precedents.resolution import PRECEDENT_STATUSES, Resolution
from exdesk.tools.precedents.search import EXACT_ROWS_PER_CANDIDATE, SearchPlan, plan_search
from exdesk.tools.precedents.service import EF_SEARCH, Precedent, PrecedentIndex
from exdesk.tools.precedents.store import VectorSpace, ensure_index

if TYPE_CHECKING:
    from exdesk.tools.precedents.local_embedder import LocalEmbedder
    from exdesk.tools.precedents.openai_embedder import OpenAIEmbedder

__all__ = [
    "EF_SEARCH",
    "EXACT_ROWS_PER_CANDIDATE",
    "PRECEDENT_STATUSES",
    "Embedder",
    "LocalEmbedder",
    "OpenAIEmbedder",
    "Precedent",
    "PrecedentIndex",
    "Resolution",
    "SearchPlan",
    "VectorSpace",
    "case_text",
    "ensure_index",
    "l2_normalise",
    "plan_search",
]


def __getattr__(name: str) -> object:
    """The embedders load on first use: scikit-learn and the openai SDK cost seconds to import."""
    if name == "LocalEmbedder":
        from exdesk.tools.precedents.local_embedder import LocalEmbedder

        return LocalEmbedder
    if name == "OpenAIEmbedder":
        from exdesk.tools.precedents.openai_embedder import OpenAIEmbedder

        return OpenAIEmbedder
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
