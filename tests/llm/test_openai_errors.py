"""Every way a call can fail, mapped to its typed error: no answer (timeout, connection,
429, 5xx), a rejected request (4xx), an unusable answer (malformed or schema-violating
JSON, refusal, truncation, bad tool calls)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
import respx

from exdesk.errors import (
    AgentError,
    ModelConnectionError,
    ModelOutputError,
    ModelRateLimitError,
    ModelRefusalError,
    ModelRequestError,
    ModelServerError,
    ModelTimeoutError,
    ModelTruncatedError,
    ModelUnavailableError,
)
from exdesk.llm import (
    ModelRequest,
    ModelSettings,
    OpenAIChatModel,
    OutputSchema,
    ToolDefinition,
    UserMessage,
)
from tests.llm.support import OrderLookup, Triage, completion, function_call

EVENT = UserMessage("Shipment SH-88207 held at the Louisville hub by weather.")
TRIAGE = ModelRequest([EVENT], output=OutputSchema(Triage), agent="classifier")


def _fail(model: OpenAIChatModel, request: ModelRequest[Any] = TRIAGE) -> AgentError:
    with pytest.raises(AgentError) as caught:
        model.request(request)
    assert caught.value.agent == request.agent
    assert caught.value.engine == "openai"
    return caught.value


def test_a_timeout_names_the_timeout(router: respx.Router, chat_model: OpenAIChatModel) -> None:
    router.post("/chat/completions").mock(side_effect=httpx.ReadTimeout("timed out"))

    error = _fail(chat_model)

    assert isinstance(error, ModelTimeoutError)
    assert isinstance(error, ModelUnavailableError)
    assert error.timeout_seconds == 7.5


def test_a_timeout_of_one_request_names_that_requests_timeout(
    router: respx.Router, chat_model: OpenAIChatModel
) -> None:
    router.post("/chat/completions").mock(side_effect=httpx.ConnectTimeout("timed out"))
    request = ModelRequest(
        [EVENT], settings=ModelSettings(timeout_seconds=2.0), agent="customer_drafter"
    )

    error = _fail(chat_model, request)

    assert isinstance(error, ModelTimeoutError)
    assert error.timeout_seconds == 2.0


def test_a_refused_connection_is_a_connection_error(
    router: respx.Router, chat_model: OpenAIChatModel
) -> None:
    router.post("/chat/completions").mock(side_effect=httpx.ConnectError("Connection refused"))

    error = _fail(chat_model)

    assert type(error) is ModelConnectionError
    assert isinstance(error, ModelUnavailableError)


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        ({"retry-after": "20"}, 20.0),
        ({"retry-after": "1.5"}, 1.5),
        ({"retry-after-ms": "250", "retry-after": "9"}, 0.25),
        ({"retry-after": "soon"}, None),
        ({}, None),
    ],
)
def test_429_is_a_rate_limit_with_the_servers_retry_after(
    router: respx.Router,
    chat_model: OpenAIChatModel,
    headers: dict[str, str],
    expected: float | None,
) -> None:
    router.post("/chat/completions").respond(
        429,
        headers=headers,
        json={"error": {"message": "Rate limit reached", "type": "requests", "code": None}},
    )

    error = _fail(chat_model)

    assert isinstance(error, ModelRateLimitError)
    assert isinstance(error, ModelUnavailableError)
    assert error.retry_after_seconds == expected


def test_429_with_an_http_date_waits_until_then(
    router: respx.Router, chat_model: OpenAIChatModel
) -> None:
    later = format_datetime(datetime.now(UTC) + timedelta(seconds=90), usegmt=True)
    router.post("/chat/completions").respond(429, headers={"retry-after": later}, json={})

    error = _fail(chat_model)

    assert isinstance(error, ModelRateLimitError)
    assert error.retry_after_seconds is not None
    assert 80 <= error.retry_after_seconds <= 90


def test_500_is_a_server_error_with_its_status(
    router: respx.Router, chat_model: OpenAIChatModel
) -> None:
    # What llama.cpp's server answers to response_format json_schema.
    router.post("/chat/completions").respond(
        500,
        json={"error": {"message": "Input should be 'text' or 'json_object'", "type": "server"}},
    )

    error = _fail(chat_model)

    assert isinstance(error, ModelServerError)
    assert isinstance(error, ModelUnavailableError)
    assert error.status_code == 500
    assert "json_object" in error.message


@pytest.mark.parametrize("status", [400, 401, 404, 422])
def test_other_4xx_is_a_rejected_request_not_worth_retrying(
    router: respx.Router, chat_model: OpenAIChatModel, status: int
) -> None:
    router.post("/chat/completions").respond(
        status, json={"error": {"message": "The model `gpt-x` does not exist", "type": "x"}}
    )

    error = _fail(chat_model)

    assert isinstance(error, ModelRequestError)
    assert not isinstance(error, ModelUnavailableError)
    assert error.status_code == status


def test_a_200_without_a_completion_is_a_server_error(
    router: respx.Router, chat_model: OpenAIChatModel
) -> None:
    body = completion("x")
    body["choices"] = []
    route = router.post("/chat/completions")
    route.side_effect = [
        httpx.Response(200, json=body),
        httpx.Response(200, text="<html>Bad gateway</html>", headers={"content-type": "text/html"}),
    ]

    for _ in range(2):
        error = _fail(chat_model)
        assert isinstance(error, ModelServerError)
        assert error.status_code == 200


def test_malformed_json_content_is_an_output_error_keeping_the_text(
    router: respx.Router, chat_model: OpenAIChatModel
) -> None:
    text = '{"category": "carrier_delay", "confidence": 0.8,, }'
    router.post("/chat/completions").respond(json=completion(text))

    error = _fail(chat_model)

    assert type(error) is ModelOutputError
    assert error.output == text
    assert "not valid JSON" in error.message


def test_content_violating_the_schema_is_an_output_error(
    router: respx.Router, chat_model: OpenAIChatModel
) -> None:
    text = '{"category":"weather","confidence":1.7,"rationale":"x","carrier":null}'
    router.post("/chat/completions").respond(json=completion(text))

    error = _fail(chat_model)

    assert type(error) is ModelOutputError
    assert error.output == text
    assert "does not match Triage at category" in error.message
    assert "2 error(s)" in error.message


def test_an_empty_answer_where_a_schema_was_asked_for_is_an_output_error(
    router: respx.Router, chat_model: OpenAIChatModel
) -> None:
    router.post("/chat/completions").respond(json=completion(""))

    assert type(_fail(chat_model)) is ModelOutputError


def test_a_refusal_is_a_refusal_error_with_the_models_words(
    router: respx.Router, chat_model: OpenAIChatModel
) -> None:
    router.post("/chat/completions").respond(
        json=completion(None, refusal="I can't help with that request.")
    )

    error = _fail(chat_model)

    assert isinstance(error, ModelRefusalError)
    assert isinstance(error, ModelOutputError)
    assert error.refusal == "I can't help with that request."


def test_a_content_filter_stop_is_a_refusal(
    router: respx.Router, chat_model: OpenAIChatModel
) -> None:
    router.post("/chat/completions").respond(json=completion(None, finish_reason="content_filter"))

    error = _fail(chat_model)

    assert isinstance(error, ModelRefusalError)
    assert error.refusal == ""


def test_length_with_truncated_json_is_a_truncation_error(
    router: respx.Router, chat_model: OpenAIChatModel
) -> None:
    cut = '{"category":"carrier_delay","confidence":0.82,"rationale":"Weather hold at th'
    router.post("/chat/completions").respond(json=completion(cut, finish_reason="length"))
    request = ModelRequest(
        [EVENT], output=OutputSchema(Triage), settings=ModelSettings(max_output_tokens=24)
    )

    error = _fail(chat_model, request)

    assert isinstance(error, ModelTruncatedError)
    assert isinstance(error, ModelOutputError)
    assert error.max_tokens == 24
    assert error.output == cut


LOOKUP = ToolDefinition("look_up_order", "Read an order by its id.", OrderLookup)


@pytest.mark.parametrize(
    ("call", "says"),
    [
        (function_call("c1", "look_up_order", '{"order_id": "SO-1"'), "not a JSON object"),
        (function_call("c1", "look_up_order", "[1, 2]"), "not a JSON object"),
        (function_call("c1", "look_up_order", {"order_id": ""}), "does not match OrderLookup"),
        (function_call("c1", "cancel_order", {"order_id": "SO-1"}), "not offered"),
    ],
)
def test_a_tool_call_outside_the_offered_tools_is_an_output_error(
    router: respx.Router, chat_model: OpenAIChatModel, call: dict[str, object], says: str
) -> None:
    router.post("/chat/completions").respond(
        json=completion(None, tool_calls=[call], finish_reason="tool_calls")
    )
    request = ModelRequest([EVENT], tools=[LOOKUP], agent="recommender")

    error = _fail(chat_model, request)

    assert type(error) is ModelOutputError
    assert says in error.message
