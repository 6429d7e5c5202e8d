"""Traces: GenAI-convention span names, decision records pointing at their spans, and no
customer e-mail address in any span."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from opentelemetry import trace
from opentelemetry.sdk.resources import Resource
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter

from exdesk.domain import NetworkSnapshot
from exdesk.service import ExceptionDesk
from exdesk.telemetry import ReceivingTracerProvider
from tests.support.scenarios import contact_email, open_orders, status_question


class _WhileTesting(SimpleSpanProcessor):
    """Exports only while its test runs (a provider's processors cannot be removed)."""

    active = True

    def on_end(self, span: ReadableSpan) -> None:
        if self.active:
            super().on_end(span)


@pytest.fixture
def spans(loaded_desk: ExceptionDesk) -> Iterator[InMemorySpanExporter]:
    """Every span finished while the test runs."""
    provider = trace.get_tracer_provider()
    assert isinstance(provider, TracerProvider)
    exporter = InMemorySpanExporter()
    processor = _WhileTesting(exporter)
    provider.add_span_processor(processor)
    yield exporter
    processor.active = False


def test_a_run_is_traced_with_genai_names_and_no_personal_data(
    loaded_desk: ExceptionDesk, example_network: NetworkSnapshot, spans: InMemorySpanExporter
) -> None:
    order = open_orders(example_network)[0]
    email = contact_email(example_network, order)
    [ref] = loaded_desk.ingest("acme", [status_question(example_network, order, "m-1")])

    finished = spans.get_finished_spans()
    names = [s.name for s in finished]
    assert "invoke_workflow exception_case" in names
    assert "invoke_agent classifier" in names
    assert "invoke_agent customer_drafter" in names
    assert "execute_tool look_up_context" in names
    assert any(n.startswith("apply_guardrail ") for n in names)

    by_id = {format(s.context.span_id, "016x"): s for s in finished}
    records = loaded_desk.case("acme", ref.case_id).decisions
    for record in records[1:]:
        span = by_id[record.span_id or ""]
        assert span.attributes is not None
        assert span.attributes["exdesk.step"] == record.step
        assert format(span.context.trace_id, "032x") == record.trace_id
    workflow = next(s for s in finished if s.name == "invoke_workflow exception_case")
    assert all(
        s.context.trace_id == workflow.context.trace_id
        for s in finished
        if s.name.startswith(("invoke_agent", "apply_guardrail", "execute_tool"))
    )

    exported = " ".join(str(dict(s.attributes or {})) + s.name for s in finished)
    assert email not in exported
    assert email.split("@")[0] not in exported


def test_personal_data_a_policy_quotes_is_masked_in_its_span(
    loaded_desk: ExceptionDesk, example_network: NetworkSnapshot, spans: InMemorySpanExporter
) -> None:
    from exdesk.store.api_keys import Principal

    [ref] = loaded_desk.ingest(
        "acme", [status_question(example_network, open_orders(example_network)[1], "m-2")]
    )
    case = loaded_desk.case("acme", ref.case_id)
    assert case.draft is not None
    approval = next(a for a in case.approvals if a.status == "pending")
    edited = case.draft.model_dump(mode="json")
    edited["body"] += "\nWrite to jane.private@personal-mail.example for anything."

    loaded_desk.decide(
        Principal("acme", "rita", frozenset({"cs_rep"}), "k"),
        approval.approval_id,
        "edit",
        edited_proposal=edited,
    )

    guardrails = [s for s in spans.get_finished_spans() if s.name.startswith("apply_guardrail")]
    reasons = " ".join(
        str((s.attributes or {}).get("gen_ai.guardrail.result.reason")) for s in guardrails
    )
    assert "j***@p***.example" in reasons
    assert "jane.private@personal-mail.example" not in reasons


def test_spans_are_recorded_only_once_something_receives_them() -> None:
    """With the exporter ``none``, a span costs its ids and nothing more: it is not
    recorded (no attributes kept, nothing masked) until a processor is added."""
    provider = ReceivingTracerProvider(Resource.create({"service.name": "test"}))
    tracer = provider.get_tracer("test")
    with tracer.start_as_current_span("before") as span:
        assert not span.is_recording()
        assert span.get_span_context().is_valid  # records still name a trace and a span
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    with tracer.start_as_current_span("after") as span:
        assert span.is_recording()
    assert [s.name for s in exporter.get_finished_spans()] == ["after"]
