"""InstrumentedModel: one CLIENT span ``chat {model}`` per call with the GenAI attributes;
prompts and completions only when asked, and then masked."""

from __future__ import annotations

import json

import pytest
import respx
from opentelemetry.sdk.trace import ReadableSpan
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from opentelemetry.trace import SpanKind, StatusCode

from exdesk.errors import ModelOutputError, ModelRateLimitError
from exdesk.llm import (
    AssistantMessage,
    InstrumentedModel,
    ModelClient,
    ModelRequest,
    ModelSettings,
    OpenAIChatModel,
    OutputSchema,
    ScriptedModel,
    SystemMessage,
    ToolCall,
    ToolResultMessage,
    UserMessage,
)
from tests.llm.support import TRIAGE_JSON, Triage, completion

EMAIL = "jane.doe@customer-mail.example"
PHONE = "+1 415 555 0134"
REQUEST = ModelRequest(
    [
        SystemMessage("You classify supply-chain exceptions."),
        UserMessage(f"Where is my order? Reach me on {PHONE} or at {EMAIL}."),
    ],
    output=OutputSchema(Triage),
    settings=ModelSettings(max_output_tokens=300, temperature=0.2, seed=11),
    agent="classifier",
)


def _only_span(spans: InMemorySpanExporter) -> ReadableSpan:
    [span] = spans.get_finished_spans()
    return span


def test_a_call_is_one_client_span_with_the_genai_attributes(
    router: respx.Router, chat_model: OpenAIChatModel, spans: InMemorySpanExporter
) -> None:
    router.post("/chat/completions").respond(json=completion(TRIAGE_JSON))
    model = InstrumentedModel(chat_model)

    response = model.request(REQUEST)

    assert isinstance(model, ModelClient)
    assert response.output is not None
    span = _only_span(spans)
    assert span.name == "chat gpt-4o-mini"
    assert span.kind is SpanKind.CLIENT
    assert span.status.status_code is StatusCode.UNSET
    assert dict(span.attributes or {}) == {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "openai",
        "gen_ai.request.model": "gpt-4o-mini",
        "gen_ai.request.max_tokens": 300,
        "gen_ai.request.temperature": 0.2,
        "gen_ai.request.seed": 11,
        "gen_ai.output.type": "json",
        "server.address": "llm.example.test",
        "server.port": 443,
        "gen_ai.response.model": "gpt-4o-mini-2024-07-18",
        "gen_ai.response.id": "chatcmpl-test-1",
        "gen_ai.response.finish_reasons": ("stop",),
        "gen_ai.usage.input_tokens": 42,
        "gen_ai.usage.output_tokens": 17,
    }


def test_unset_settings_and_unknown_usage_are_left_out(spans: InMemorySpanExporter) -> None:
    model = InstrumentedModel(ScriptedModel(["fine"], model_name="tiny"))

    model.request(ModelRequest([UserMessage("hi")]))

    attributes = dict(_only_span(spans).attributes or {})
    assert attributes == {
        "gen_ai.operation.name": "chat",
        "gen_ai.provider.name": "scripted",
        "gen_ai.request.model": "tiny",
        "gen_ai.output.type": "text",
        "gen_ai.response.model": "tiny",
        "gen_ai.response.finish_reasons": ("stop",),
    }


@pytest.mark.parametrize(
    ("error", "error_type"),
    [
        (
            ModelRateLimitError(
                "classifier: rate-limited",
                agent="classifier",
                engine="openai",
                retry_after_seconds=3.0,
            ),
            "ModelRateLimitError",
        ),
        (ValueError(f"bug while writing to {EMAIL}"), "ValueError"),
    ],
)
def test_a_failed_call_records_its_error_type_and_reraises(
    spans: InMemorySpanExporter, error: Exception, error_type: str
) -> None:
    model = InstrumentedModel(ScriptedModel([error]))

    with pytest.raises(type(error)):
        model.request(REQUEST)

    span = _only_span(spans)
    assert span.attributes is not None
    assert span.attributes["error.type"] == error_type
    assert span.status.status_code is StatusCode.ERROR
    assert EMAIL not in (span.status.description or "")
    assert "gen_ai.response.model" not in span.attributes


def test_an_unusable_answer_is_an_error_on_the_span(
    router: respx.Router, chat_model: OpenAIChatModel, spans: InMemorySpanExporter
) -> None:
    router.post("/chat/completions").respond(json=completion('{"category": "weather"}'))

    with pytest.raises(ModelOutputError):
        InstrumentedModel(chat_model).request(REQUEST)

    span = _only_span(spans)
    assert (span.attributes or {})["error.type"] == "ModelOutputError"


def test_prompts_and_completions_are_not_recorded_by_default(
    router: respx.Router, chat_model: OpenAIChatModel, spans: InMemorySpanExporter
) -> None:
    router.post("/chat/completions").respond(json=completion(TRIAGE_JSON))

    InstrumentedModel(chat_model).request(REQUEST)

    span = _only_span(spans)
    exported = json.dumps(dict(span.attributes or {}), default=str)
    assert not {
        "gen_ai.system_instructions",
        "gen_ai.input.messages",
        "gen_ai.output.messages",
    } & set(span.attributes or {})
    assert "jane" not in exported
    assert "Weather hold" not in exported


def test_captured_content_follows_the_conventions_and_is_masked(
    spans: InMemorySpanExporter,
) -> None:
    call = ToolCall("call_1", "look_up_order", {"order_id": "SO-1", "email": EMAIL})
    answer = (
        '{"category":"other","confidence":0.5,"rationale":"Call 415-555-0134 today","carrier":null}'
    )
    model = InstrumentedModel(ScriptedModel([answer]), capture_content=True)
    request = ModelRequest(
        [
            *REQUEST.messages,
            AssistantMessage(tool_calls=(call,)),
            ToolResultMessage("call_1", f'{{"contact": "{EMAIL}"}}'),
        ],
        output=OutputSchema(Triage),
    )

    model.request(request)

    attributes = dict(_only_span(spans).attributes or {})
    exported = json.dumps(attributes, default=str)
    assert EMAIL not in exported
    assert "415" not in exported
    assert json.loads(str(attributes["gen_ai.system_instructions"])) == [
        {"content": "You classify supply-chain exceptions.", "type": "text"}
    ]
    user, assistant, tool = json.loads(str(attributes["gen_ai.input.messages"]))
    assert user == {
        "role": "user",
        "parts": [
            {
                "type": "text",
                "content": "Where is my order? Reach me on [phone] or at j***@c***.example.",
            }
        ],
    }
    assert assistant["role"] == "assistant"
    assert assistant["parts"] == [
        {
            "type": "tool_call",
            "id": "call_1",
            "name": "look_up_order",
            "arguments": {"order_id": "SO-1", "email": "j***@c***.example"},
        }
    ]
    assert tool == {
        "role": "tool",
        "parts": [
            {
                "type": "tool_call_response",
                "id": "call_1",
                "response": '{"contact": "j***@c***.example"}',
            }
        ],
    }
    [output] = json.loads(str(attributes["gen_ai.output.messages"]))
    assert output["role"] == "assistant"
    assert output["finish_reason"] == "stop"
    assert output["parts"] == [
        {"type": "text", "content": answer.replace("415-555-0134", "[phone]")}
    ]
