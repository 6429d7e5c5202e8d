"""Model-client fixtures: a respx router standing in for the OpenAI HTTP API, and the
spans finished while a test runs."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import respx
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from exdesk.llm import OpenAIChatModel
from exdesk.settings import Settings
from exdesk.telemetry import configure_telemetry
from tests.llm.support import MODEL, OPENAI_BASE_URL, openai_client


@pytest.fixture
def router() -> Iterator[respx.Router]:
    """The OpenAI API: every route must be called, an unrouted request fails."""
    with respx.mock(base_url=OPENAI_BASE_URL, assert_all_called=True) as mocked:
        yield mocked


@pytest.fixture
def chat_model(router: respx.Router) -> OpenAIChatModel:
    """The OpenAI chat model on the router."""
    return OpenAIChatModel(openai_client(router), MODEL)


class _WhileTesting(SimpleSpanProcessor):
    """Exports only while its test runs (a provider's processors cannot be removed)."""

    active = True

    def on_end(self, span: ReadableSpan) -> None:
        if self.active:
            super().on_end(span)


@pytest.fixture
def spans() -> Iterator[InMemorySpanExporter]:
    """Every span finished while the test runs (the process's provider is installed
    the way the service does it, if no earlier test did)."""
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = configure_telemetry(Settings(telemetry_exporter="none"))
    exporter = InMemorySpanExporter()
    processor = _WhileTesting(exporter)
    provider.add_span_processor(processor)
    yield exporter
    processor.active = False
