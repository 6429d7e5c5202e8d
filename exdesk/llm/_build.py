"""The chat model the settings describe: the SDK client (through a cassette when one is
configured), traced, inside the endpoint's limits."""

from __future__ import annotations

import threading

import httpx2
from openai import OpenAI

from exdesk.llm._cassette import CassetteTransport
from exdesk.llm._client import openai_client_from_settings
from exdesk.llm._instrumented import InstrumentedModel
from exdesk.llm._limiter import EndpointLimits, LimitedModel, endpoint_limiter
from exdesk.llm._model import ModelClient
from exdesk.llm._openai import OpenAIChatModel
from exdesk.settings import Settings

_REPLAY_BASE_URL = "http://cassette.invalid/v1"
"""Where a replayed run 'sends' when no endpoint is configured (nothing is reached)."""

_CLIENTS: dict[tuple[object, ...], OpenAI] = {}
_CLIENTS_LOCK = threading.Lock()


def shared_openai_client(settings: Settings) -> OpenAI:
    """One SDK client (one connection pool) per endpoint configuration and process; with
    ``EXDESK_LLM_CASSETTE`` its transport records to or replays from the cassette."""
    cassette = settings.llm_cassette
    replaying = cassette is not None and settings.llm_cassette_mode == "replay"
    key = (
        settings.openai_base_url,
        settings.openai_api_key.get_secret_value() if settings.openai_api_key else None,
        settings.openai_timeout_seconds,
        settings.openai_max_in_flight,
        str(cassette),
        settings.llm_cassette_mode,
    )
    with _CLIENTS_LOCK:
        if key in _CLIENTS:
            return _CLIENTS[key]
        pool = httpx2.Limits(
            max_connections=settings.openai_max_in_flight,
            max_keepalive_connections=settings.openai_max_in_flight,
        )
        http_client = None
        if cassette is not None:
            transport = CassetteTransport(
                cassette, settings.llm_cassette_mode, httpx2.HTTPTransport(limits=pool)
            )
            http_client = httpx2.Client(transport=transport)
        else:
            http_client = httpx2.Client(limits=pool)
        if replaying and settings.openai_base_url is None and settings.openai_api_key is None:
            settings = settings.model_copy(update={"openai_base_url": _REPLAY_BASE_URL})
        client = openai_client_from_settings(settings, http_client=http_client)
        _CLIENTS[key] = client
        return client


def chat_model_from_settings(settings: Settings, model: str | None = None) -> ModelClient:
    """``model`` (default ``EXDESK_OPENAI_MODEL``) on the configured endpoint, inside the
    endpoint's limits and traced (content captured only when
    ``EXDESK_TELEMETRY_CAPTURE_MODEL_CONTENT`` is set)."""
    client = shared_openai_client(settings)
    chat = OpenAIChatModel(
        client,
        model or settings.openai_model,
        max_tokens_parameter=settings.openai_max_tokens_parameter,
        tool_choice=settings.openai_tool_choice,
    )
    limits = EndpointLimits(settings.openai_max_in_flight, settings.openai_requests_per_minute)
    limiter = endpoint_limiter(f"{chat.server_address}:{chat.server_port}", limits)
    return LimitedModel(
        InstrumentedModel(chat, capture_content=settings.telemetry_capture_model_content),
        limiter,
    )
