"""The chat model the settings describe, instrumented."""

from __future__ import annotations

from exdesk.llm._instrumented import InstrumentedModel
from exdesk.llm._model import ModelClient
from exdesk.llm._openai import OpenAIChatModel
from exdesk.settings import Settings


def chat_model_from_settings(settings: Settings) -> ModelClient:
    """``EXDESK_OPENAI_MODEL`` on the configured endpoint, traced (content captured only
    when ``EXDESK_TELEMETRY_CAPTURE_MODEL_CONTENT`` is set)."""
    return InstrumentedModel(
        OpenAIChatModel.from_settings(settings),
        capture_content=settings.telemetry_capture_model_content,
    )
