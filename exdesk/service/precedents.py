"""Which embedder precedent search uses (``EXDESK_PRECEDENTS_*`` settings)."""

from __future__ import annotations

from exdesk.agents.classifier.corpus import training_texts
from exdesk.settings import Settings
from exdesk.store.database import Database
from exdesk.tools.precedents.embedder import Embedder
from exdesk.tools.precedents.local_embedder import LocalEmbedder
from exdesk.tools.precedents.openai_embedder import OpenAIEmbedder
from exdesk.tools.precedents.service import EF_SEARCH, PrecedentIndex
from exdesk.workflows.stages import resolution_of


def build_embedder(settings: Settings) -> Embedder:
    """The configured embedder (the local one is fitted once and cached in the data dir)."""
    if settings.precedents_embedder == "openai":
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
        return OpenAIEmbedder.from_settings(
            key,
            settings.openai_base_url,
            settings.precedents_openai_model,
            settings.precedents_openai_dimensions,
            settings.openai_timeout_seconds,
        )
    return LocalEmbedder.default(settings.data_dir, training_texts, settings.precedents_local_dim)


def build_precedent_index(settings: Settings, db: Database) -> PrecedentIndex:
    """A precedent index over ``db`` with the configured embedder."""
    return precedent_index(db, build_embedder(settings), ef_search=settings.precedents_ef_search)


def precedent_index(
    db: Database, embedder: Embedder, *, ef_search: int = EF_SEARCH
) -> PrecedentIndex:
    """A precedent index over ``db`` with ``embedder``, reading resolutions as the workflow
    defines them."""
    return PrecedentIndex(db, embedder, resolve=resolution_of, ef_search=ef_search)
