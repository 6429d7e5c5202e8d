"""Which embedder precedent search uses, read from ``EXDESK_PRECEDENTS_*`` variables."""

from __future__ import annotations

from typing import TYPE_CHECKING, Literal

from pydantic import Field
from pydantic_settings import BaseSettings, SettingsConfigDict

from exdesk.precedents.embedder import Embedder
from exdesk.precedents.local_embedder import DEFAULT_DIM, LocalEmbedder
from exdesk.precedents.openai_embedder import OpenAIEmbedder
from exdesk.precedents.service import EF_SEARCH, PrecedentIndex
from exdesk.settings import Settings

if TYPE_CHECKING:  # the desk may come to import this package: no import cycle at run time
    from exdesk.desk import ExceptionDesk

PrecedentEmbedderName = Literal["local", "openai"]
"""``local``: TF-IDF + SVD fitted on the labelled corpus (default, no network);
``openai``: the configured OpenAI-compatible endpoint's embeddings."""


class PrecedentSettings(BaseSettings):
    """Precedent search settings (kept apart from :class:`Settings` until merged into it)."""

    model_config = SettingsConfigDict(
        env_prefix="EXDESK_PRECEDENTS_", extra="ignore", validate_default=True, frozen=True
    )

    embedder: PrecedentEmbedderName = "local"
    local_dim: int = Field(default=DEFAULT_DIM, ge=8, le=1024)
    openai_model: str = "text-embedding-3-small"
    openai_dimensions: int | None = Field(default=None, ge=1, le=4000)
    ef_search: int = Field(default=EF_SEARCH, ge=1, le=1000)


def build_embedder(settings: Settings, options: PrecedentSettings | None = None) -> Embedder:
    """The configured embedder (the local one is fitted once and cached in the data dir)."""
    options = options or PrecedentSettings()
    if options.embedder == "openai":
        key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
        return OpenAIEmbedder.from_settings(
            key, settings.openai_base_url, options.openai_model, options.openai_dimensions
        )
    return LocalEmbedder.default(settings.data_dir, options.local_dim)


def precedent_index_for(
    desk: ExceptionDesk, options: PrecedentSettings | None = None
) -> PrecedentIndex:
    """A precedent index over the desk's database with the configured embedder."""
    options = options or PrecedentSettings()
    return PrecedentIndex(
        desk.db, build_embedder(desk.settings, options), ef_search=options.ef_search
    )
