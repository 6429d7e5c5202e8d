"""OpenAIChatModel's HTTP contract: what it sends, and how it reads structured outputs
(every mode) and tool calls. respx stands in for the OpenAI API."""

from __future__ import annotations

import httpx
import pytest
import respx

from exdesk.errors import ModelOutputError
from exdesk.llm import (
    AssistantMessage,
    ModelClient,
    ModelRequest,
    ModelSettings,
    OpenAIChatModel,
    OutputSchema,
    SystemMessage,
    ToolCall,
    ToolDefinition,
    ToolResultMessage,
    Usage,
    UserMessage,
)
from tests.llm.support import (
    MODEL,
    TRIAGE_JSON,
    Carrier,
    OrderLookup,
    Triage,
    completion,
    function_call,
    openai_client,
    sent,
)

INSTRUCTIONS = SystemMessage("You classify supply-chain exceptions.")
EVENT = UserMessage("Shipment SH-88207 held at the Louisville hub by weather.")
LOOKUP = ToolDefinition("look_up_order", "Read an order by its id.", OrderLookup)


def test_structured_output_in_json_schema_mode_is_sent_strict_and_parsed(
    router: respx.Router, chat_model: OpenAIChatModel
) -> None:
    route = router.post("/chat/completions").respond(json=completion(TRIAGE_JSON))

    response = chat_model.request(
        ModelRequest(
            [INSTRUCTIONS, EVENT],
            output=OutputSchema(Triage),
            settings=ModelSettings(max_output_tokens=300, temperature=0.0, seed=7),
            agent="classifier",
        )
    )

    assert response.output == Triage(
        category="carrier_delay",
        confidence=0.82,
        rationale="Weather hold at the hub.",
        carrier=Carrier(name="UPS"),
    )
    assert response.text == TRIAGE_JSON
    assert response.finish_reason == "stop"
    assert response.usage == Usage(input_tokens=42, output_tokens=17)
    assert (response.model_name, response.response_id) == (
        "gpt-4o-mini-2024-07-18",
        "chatcmpl-test-1",
    )
    assert response.latency_seconds > 0
    body = sent(route)
    assert body["model"] == MODEL
    assert body["messages"] == [
        {"role": "system", "content": INSTRUCTIONS.content},
        {"role": "user", "content": EVENT.content},
    ]
    assert (body["max_tokens"], body["temperature"], body["seed"]) == (300, 0.0, 7)
    assert "tools" not in body
    response_format = body["response_format"]
    assert response_format["type"] == "json_schema"
    assert response_format["json_schema"]["name"] == "Triage"
    assert response_format["json_schema"]["strict"] is True
    schema = response_format["json_schema"]["schema"]
    assert schema["additionalProperties"] is False
    assert schema["required"] == ["category", "confidence", "rationale", "carrier"]
    assert schema["properties"]["category"]["enum"] == [
        "carrier_delay",
        "inventory_shortage",
        "other",
    ]
    assert route.calls.last.request.headers["authorization"] == "Bearer sk-test-key"


def test_structured_output_in_json_object_mode_puts_the_schema_in_the_instructions(
    router: respx.Router, chat_model: OpenAIChatModel
) -> None:
    route = router.post("/chat/completions").respond(json=completion(TRIAGE_JSON))

    response = chat_model.request(
        ModelRequest([INSTRUCTIONS, EVENT], output=OutputSchema(Triage, mode="json_object"))
    )

    assert response.output is not None
    assert response.output.category == "carrier_delay"
    body = sent(route)
    assert body["response_format"] == {"type": "json_object"}
    [system, user] = body["messages"]
    assert system["role"] == "system"
    assert system["content"].startswith(INSTRUCTIONS.content + "\n\nAnswer with one JSON object")
    assert '"enum":["carrier_delay","inventory_shortage","other"]' in system["content"]
    assert user == {"role": "user", "content": EVENT.content}
    assert not {"max_tokens", "temperature", "seed"} & body.keys()


def test_json_object_schema_mode_sends_the_schema_in_llama_cpps_response_format(
    router: respx.Router, chat_model: OpenAIChatModel
) -> None:
    route = router.post("/chat/completions").respond(json=completion(TRIAGE_JSON))

    response = chat_model.request(
        ModelRequest([INSTRUCTIONS, EVENT], output=OutputSchema(Triage, mode="json_object_schema"))
    )

    assert response.output is not None
    assert response.output.carrier == Carrier(name="UPS")
    body = sent(route)
    assert body["response_format"] == {
        "type": "json_object",
        "schema": OutputSchema(Triage).json_schema(),
    }
    schema = body["response_format"]["schema"]
    assert schema["additionalProperties"] is False
    assert schema["properties"]["rationale"]["maxLength"] == 200
    [system, user] = body["messages"]
    assert system["content"].startswith(INSTRUCTIONS.content + "\n\nAnswer with one JSON object")
    assert user == {"role": "user", "content": EVENT.content}


def test_json_object_schema_mode_still_validates_what_comes_back(
    router: respx.Router, chat_model: OpenAIChatModel
) -> None:
    router.post("/chat/completions").respond(json=completion('{"category": "weather"}'))

    with pytest.raises(ModelOutputError, match="does not match Triage at category"):
        chat_model.request(
            ModelRequest([EVENT], output=OutputSchema(Triage, mode="json_object_schema"))
        )


def test_json_object_mode_without_instructions_adds_a_first_system_message(
    router: respx.Router, chat_model: OpenAIChatModel
) -> None:
    route = router.post("/chat/completions").respond(json=completion(TRIAGE_JSON))

    chat_model.request(ModelRequest([EVENT], output=OutputSchema(Triage, mode="json_object")))

    [system, user] = sent(route)["messages"]
    assert system["role"] == "system"
    assert "(Triage)" in system["content"]
    assert user["content"] == EVENT.content


def test_a_tool_call_is_parsed_and_the_conversation_round_trips(
    router: respx.Router, chat_model: OpenAIChatModel
) -> None:
    call = function_call("call_1", "look_up_order", {"order_id": "SO-1", "include_lines": True})
    first = router.post("/chat/completions").respond(
        json=completion(None, tool_calls=[call], finish_reason="tool_calls")
    )

    asked = chat_model.request(
        ModelRequest([INSTRUCTIONS, EVENT], output=OutputSchema(Triage), tools=[LOOKUP])
    )

    assert asked.finish_reason == "tool_calls"
    assert asked.output is None
    assert asked.tool_calls == (
        ToolCall("call_1", "look_up_order", {"order_id": "SO-1", "include_lines": True}),
    )
    assert LOOKUP.parse_arguments(asked.tool_calls[0]) == OrderLookup(
        order_id="SO-1", include_lines=True
    )
    [tool] = sent(first)["tools"]
    assert tool["type"] == "function"
    assert tool["function"]["name"] == "look_up_order"
    assert tool["function"]["description"] == "Read an order by its id."
    assert tool["function"]["strict"] is True
    assert tool["function"]["parameters"]["required"] == ["order_id", "include_lines"]

    first.respond(json=completion(TRIAGE_JSON))
    answered = chat_model.request(
        ModelRequest(
            [
                INSTRUCTIONS,
                EVENT,
                AssistantMessage(tool_calls=asked.tool_calls),
                ToolResultMessage("call_1", '{"order_id":"SO-1","status":"open"}'),
            ],
            output=OutputSchema(Triage),
            tools=[LOOKUP],
        )
    )

    assert answered.output is not None
    assert answered.output.confidence == 0.82
    messages = sent(first)["messages"]
    assert messages[2] == {
        "role": "assistant",
        "content": "",  # not null: llama-cpp-python's server refuses a null content
        "tool_calls": [
            {
                "id": "call_1",
                "type": "function",
                "function": {
                    "name": "look_up_order",
                    "arguments": '{"order_id": "SO-1", "include_lines": true}',
                },
            }
        ],
    }
    assert messages[3] == {
        "role": "tool",
        "tool_call_id": "call_1",
        "content": '{"order_id":"SO-1","status":"open"}',
    }


def test_tool_choice_is_sent_only_when_set_and_tools_are_offered(router: respx.Router) -> None:
    route = router.post("/chat/completions").respond(json=completion(TRIAGE_JSON))
    choosing = OpenAIChatModel(openai_client(router), MODEL, tool_choice="auto")
    default = OpenAIChatModel(openai_client(router), MODEL)
    asked = ModelRequest([EVENT], output=OutputSchema(Triage), tools=[LOOKUP])

    choosing.request(asked)
    assert sent(route)["tool_choice"] == "auto"
    choosing.request(ModelRequest([EVENT], output=OutputSchema(Triage)))
    assert "tool_choice" not in sent(route)
    default.request(asked)
    assert "tool_choice" not in sent(route)


def test_free_text_needs_no_schema(router: respx.Router, chat_model: OpenAIChatModel) -> None:
    route = router.post("/chat/completions").respond(
        json=completion("Your order ships tomorrow.", usage=None)
    )

    response = chat_model.request(ModelRequest([EVENT]))

    assert response.text == "Your order ships tomorrow."
    assert response.output is None
    assert response.usage == Usage()
    assert "response_format" not in sent(route)


def test_newer_models_get_max_completion_tokens_and_a_request_its_own_timeout(
    router: respx.Router,
) -> None:
    route = router.post("/chat/completions").respond(json=completion("ok"))
    model = OpenAIChatModel(
        openai_client(router), "gpt-5-mini", max_tokens_parameter="max_completion_tokens"
    )

    model.request(ModelRequest([EVENT], settings=ModelSettings(max_output_tokens=64)))

    body = sent(route)
    assert body["max_completion_tokens"] == 64
    assert "max_tokens" not in body
    assert body["model"] == "gpt-5-mini"


def test_the_model_describes_its_endpoint(router: respx.Router) -> None:
    model = OpenAIChatModel(openai_client(router), MODEL)

    assert isinstance(model, ModelClient)
    assert (model.model_name, model.provider_name) == (MODEL, "openai")
    assert (model.server_address, model.server_port) == ("llm.example.test", 443)
    assert model.timeout_seconds == 7.5


@pytest.mark.parametrize(
    ("finish_reason", "expected"),
    [("stop", "stop"), ("function_call", "tool_calls"), ("eos", "other")],
)
def test_finish_reasons_are_read_into_the_closed_set(
    router: respx.Router, chat_model: OpenAIChatModel, finish_reason: str, expected: str
) -> None:
    router.post("/chat/completions").mock(
        return_value=httpx.Response(200, json=completion("done", finish_reason=finish_reason))
    )

    assert chat_model.request(ModelRequest([EVENT])).finish_reason == expected
