"""The one place an ``openai.OpenAI`` client is built (chat models and the embedder)."""

from __future__ import annotations

import httpx2
from openai import OpenAI

from exdesk.errors import ConfigurationError
from exdesk.settings import Settings

DEFAULT_TIMEOUT_SECONDS = 30.0
"""Per-request timeout when the settings do not give one."""


def openai_client(
    *,
    api_key: str | None,
    base_url: str | None,
    timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    http_client: httpx2.Client | None = None,
) -> OpenAI:
    """A client for OpenAI or any compatible endpoint (``base_url``).

    The SDK never retries (``max_retries=0``): whether and when to retry a model call is
    the caller's decision, made on the typed errors. A local server that needs no key gets
    a placeholder one. ``http_client`` replaces the transport (tests route it to respx).
    """
    if api_key is None and base_url is None:
        raise ConfigurationError(
            "invalid configuration: the openai engine needs OPENAI_API_KEY or OPENAI_BASE_URL"
        )
    return OpenAI(
        api_key=api_key or "unused",
        base_url=base_url,
        timeout=timeout_seconds,
        max_retries=0,
        http_client=http_client,
    )


def openai_client_from_settings(
    settings: Settings, *, http_client: httpx2.Client | None = None
) -> OpenAI:
    """The client the settings describe (key, endpoint, timeout)."""
    key = settings.openai_api_key.get_secret_value() if settings.openai_api_key else None
    return openai_client(
        api_key=key,
        base_url=settings.openai_base_url,
        timeout_seconds=settings.openai_timeout_seconds,
        http_client=http_client,
    )
