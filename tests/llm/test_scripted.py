"""ScriptedModel: scripted answers in order, the requests recorded, scripted errors raised,
the same checks as a real client, and a loud failure when the script runs out."""

from __future__ import annotations

import pytest

from exdesk.errors import ModelOutputError, ModelTimeoutError, ModelTruncatedError
from exdesk.llm import (
    ModelClient,
    ModelRequest,
    ModelResponse,
    OutputSchema,
    ScriptedModel,
    ScriptExhaustedError,
    ToolCall,
    ToolDefinition,
    UserMessage,
)
from tests.llm.support import TRIAGE_JSON, OrderLookup, Triage

TRIAGE = Triage(category="other", confidence=0.4, rationale="Unclear.")
ASK = ModelRequest([UserMessage("What happened to SO-1?")], output=OutputSchema(Triage))


def test_answers_come_in_order_and_requests_are_recorded() -> None:
    timeout = ModelTimeoutError("slow", agent="classifier", engine="openai", timeout_seconds=1.0)
    model = ScriptedModel([TRIAGE, TRIAGE_JSON, timeout])

    first = model.request(ASK)
    second = model.request(ASK)
    with pytest.raises(ModelTimeoutError):
        model.request(ASK)

    assert isinstance(model, ModelClient)
    assert first.output == TRIAGE
    assert first.text == TRIAGE.model_dump_json()
    assert second.output is not None
    assert second.output.category == "carrier_delay"
    assert model.requests == [ASK, ASK, ASK]
    assert model.remaining == 0
    model.assert_all_used()


def test_a_scripted_answer_passes_the_real_checks() -> None:
    model = ScriptedModel(
        [
            '{"category": "weather"}',
            ModelResponse(text='{"category": "oth', finish_reason="length"),
        ]
    )

    with pytest.raises(ModelOutputError, match="does not match Triage"):
        model.request(ASK)
    with pytest.raises(ModelTruncatedError):
        model.request(ASK)


def test_a_scripted_tool_call_is_checked_against_the_offered_tools() -> None:
    lookup = ToolDefinition("look_up_order", "Read an order.", OrderLookup)
    call = ToolCall("c1", "look_up_order", {"order_id": "SO-1"})
    model = ScriptedModel([ModelResponse(tool_calls=(call,), finish_reason="tool_calls")])

    response = model.request(ModelRequest([UserMessage("?")], tools=[lookup]))

    assert response.tool_calls == (call,)
    assert lookup.parse_arguments(call).order_id == "SO-1"


def test_running_out_of_script_fails_loudly() -> None:
    model = ScriptedModel(["only answer"])
    model.request(ModelRequest([UserMessage("first")]))

    with pytest.raises(ScriptExhaustedError, match=r"call 2 .* 'second'"):
        model.request(ModelRequest([UserMessage("second")], agent="drafter"))


def test_unused_answers_are_reported() -> None:
    model = ScriptedModel()
    model.add("one", "two")
    model.request(ModelRequest([UserMessage("?")]))

    with pytest.raises(AssertionError, match="1 scripted answer"):
        model.assert_all_used()
