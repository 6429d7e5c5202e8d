"""A bounded model run over the OpenAI HTTP API (respx): tool rounds, the one repair
turn, retries with backoff and ``retry-after``, and every limit ending the run cleanly
with a report of what was spent and what failed."""

from __future__ import annotations

import json
from itertools import count
from typing import TypeVar

import httpx
import pytest
import respx
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from pydantic import BaseModel

from exdesk.errors import (
    ModelBudgetError,
    ModelConnectionError,
    ModelOutputError,
    ModelRateLimitError,
    ModelRefusalError,
    ModelRequestError,
    ModelServerError,
    ModelTimeoutError,
    ModelTruncatedError,
)
from exdesk.llm import (
    InstrumentedModel,
    ModelRequest,
    ModelResponse,
    ModelRun,
    ModelRunError,
    OpenAIChatModel,
    OutputSchema,
    Prompt,
    RetryPolicy,
    RunLimits,
    WrapperModel,
    read_only_tool,
)
from tests.llm.support import (
    TRIAGE_JSON,
    OrderLookup,
    Triage,
    completion,
    function_call,
)

OutputT = TypeVar("OutputT", bound=BaseModel)
PROMPT = Prompt("triage", "7", "You classify supply-chain exceptions.")
LOOKUP = read_only_tool(
    "look_up_order",
    "Read an order by its id.",
    OrderLookup,
    lambda args: {"order_id": args.order_id, "status": "released"},
)


class Waits:
    """Records the waits a run asks for instead of sleeping."""

    def __init__(self) -> None:
        self.seconds: list[float] = []

    def __call__(self, seconds: float) -> None:
        self.seconds.append(seconds)


def make_run(
    chat_model: OpenAIChatModel,
    waits: Waits,
    *,
    limits: RunLimits | None = None,
    retries: int = 2,
) -> ModelRun[Triage]:
    return ModelRun(
        client=chat_model,
        agent="classifier",
        prompt=PROMPT,
        output=OutputSchema(Triage),
        tools=(LOOKUP,),
        limits=limits or RunLimits(),
        retry=RetryPolicy(
            max_retries=retries, backoff_seconds=0.5, sleep=waits, uniform=lambda: 1.0
        ),
    )


def failure(run: ModelRun[Triage]) -> ModelRunError:
    with pytest.raises(ModelRunError) as caught:
        run.run("Shipment SH-88207 held at the Louisville hub by weather.")
    return caught.value


def test_a_tool_round_then_a_valid_answer(
    router: respx.Router, chat_model: OpenAIChatModel
) -> None:
    route = router.post("/chat/completions")
    route.side_effect = [
        httpx.Response(
            200,
            json=completion(
                tool_calls=[
                    function_call(
                        "call_1", "look_up_order", {"order_id": "SO-1", "include_lines": False}
                    )
                ],
                finish_reason="tool_calls",
            ),
        ),
        httpx.Response(200, json=completion(TRIAGE_JSON)),
    ]

    result = make_run(chat_model, Waits()).run("Where is SO-1?")

    assert result.output.category == "carrier_delay"
    report = result.report
    assert (report.turns, report.tool_calls, report.retries) == (2, ["look_up_order"], 0)
    assert (report.input_tokens, report.output_tokens) == (84, 34)
    second = json.loads(route.calls[1].request.content)
    tool_message = second["messages"][-1]
    assert tool_message["role"] == "tool"
    assert json.loads(tool_message["content"]) == {"order_id": "SO-1", "status": "released"}
    first = json.loads(route.calls[0].request.content)
    assert [tool["function"]["name"] for tool in first["tools"]] == ["look_up_order"]
    assert first["tools"][0]["function"]["strict"] is True


def test_a_schema_violation_gets_one_repair_turn(
    router: respx.Router, chat_model: OpenAIChatModel
) -> None:
    route = router.post("/chat/completions")
    route.side_effect = [
        httpx.Response(200, json=completion('{"category": "weather", "confidence": 2}')),
        httpx.Response(200, json=completion(TRIAGE_JSON)),
    ]

    result = make_run(chat_model, Waits()).run("Weather hold.")

    assert result.output.category == "carrier_delay"
    assert result.report.repairs == 1
    assert "does not match Triage" in result.report.failures[0]
    repair = json.loads(route.calls[1].request.content)["messages"][-1]
    assert repair["role"] == "user"
    assert "could not be used" in repair["content"]


def test_a_line_break_written_raw_into_a_string_is_read_without_a_repair(
    router: respx.Router, chat_model: OpenAIChatModel
) -> None:
    raw = TRIAGE_JSON.replace("Weather hold at the hub.", "Weather hold\nat the hub.\t(ops)")
    assert "\\n" not in raw  # a real line break inside the JSON string, not an escape
    route = router.post("/chat/completions").respond(json=completion(raw))

    result = make_run(chat_model, Waits()).run("Weather hold.")

    assert result.output.rationale == "Weather hold\nat the hub.\t(ops)"
    assert result.report.repairs == 0
    assert route.call_count == 1


@pytest.mark.parametrize(
    "bad",
    [
        '{"category": "carrier_delay", "confid',
        "Sure! Here is the JSON you asked for.",
        '{"category": "carrier_delay", "confidence": NaN, "rationale": "x"}',
    ],
)
def test_malformed_json_twice_ends_the_run_after_one_repair(
    router: respx.Router, chat_model: OpenAIChatModel, bad: str
) -> None:
    route = router.post("/chat/completions").respond(json=completion(bad))

    error = failure(make_run(chat_model, Waits()))

    assert type(error.cause) is ModelOutputError
    assert route.call_count == 2
    assert error.report.repairs == 1


@pytest.mark.parametrize(
    ("side_effect", "cause"),
    [
        (httpx.ReadTimeout("timed out"), ModelTimeoutError),
        (httpx.ConnectError("Connection refused"), ModelConnectionError),
        (httpx.Response(503, json={"error": {"message": "overloaded"}}), ModelServerError),
        (httpx.Response(500, text="<html>oops</html>"), ModelServerError),
    ],
)
def test_no_answer_is_retried_with_backoff_then_ends_the_run(
    router: respx.Router,
    chat_model: OpenAIChatModel,
    side_effect: Exception | httpx.Response,
    cause: type[Exception],
) -> None:
    route = router.post("/chat/completions").mock(
        side_effect=lambda request: _raise_or(side_effect)
    )
    waits = Waits()

    error = failure(make_run(chat_model, waits, retries=2))

    assert isinstance(error.cause, cause)
    assert route.call_count == 3
    assert waits.seconds == [0.625, 1.25]  # 0.5 and 1.0, each stretched by the jitter (25 %)
    assert error.report.retries == 2
    assert len(error.report.failures) == 3


def _raise_or(effect: Exception | httpx.Response) -> httpx.Response:
    if isinstance(effect, Exception):
        raise effect
    return effect


def test_a_retry_that_succeeds_is_counted(
    router: respx.Router, chat_model: OpenAIChatModel
) -> None:
    route = router.post("/chat/completions")
    route.side_effect = [
        httpx.Response(502, text="bad gateway"),
        httpx.Response(200, json=completion(TRIAGE_JSON)),
    ]

    result = make_run(chat_model, Waits()).run("Weather hold.")

    assert result.output.category == "carrier_delay"
    assert (result.report.retries, result.report.turns) == (1, 1)
    assert "ModelServerError" in result.report.failures[0]


def test_429_waits_what_retry_after_says(router: respx.Router, chat_model: OpenAIChatModel) -> None:
    route = router.post("/chat/completions")
    route.side_effect = [
        httpx.Response(429, headers={"retry-after": "3"}, json={"error": {"message": "slow down"}}),
        httpx.Response(429, headers={"retry-after-ms": "250"}, json={"error": {}}),
        httpx.Response(200, json=completion(TRIAGE_JSON)),
    ]
    waits = Waits()

    result = make_run(chat_model, waits).run("Weather hold.")

    assert waits.seconds == [3.0, 0.25]
    assert result.report.retries == 2


def test_a_wait_past_the_deadline_is_not_taken(
    router: respx.Router, chat_model: OpenAIChatModel
) -> None:
    router.post("/chat/completions").respond(
        429, headers={"retry-after": "120"}, json={"error": {"message": "slow down"}}
    )
    waits = Waits()

    error = failure(make_run(chat_model, waits, limits=RunLimits(seconds=30)))

    assert isinstance(error.cause, ModelRateLimitError)
    assert waits.seconds == []


@pytest.mark.parametrize(
    ("body", "cause"),
    [
        (completion(None, refusal="I can't help with that."), ModelRefusalError),
        (completion('{"category": "carrier_del', finish_reason="length"), ModelTruncatedError),
    ],
)
def test_refusals_and_truncations_end_the_run_without_retrying(
    router: respx.Router,
    chat_model: OpenAIChatModel,
    body: dict[str, object],
    cause: type[Exception],
) -> None:
    route = router.post("/chat/completions").respond(json=body)

    error = failure(make_run(chat_model, Waits()))

    assert isinstance(error.cause, cause)
    assert route.call_count == 1
    assert (error.report.input_tokens, error.report.output_tokens) == (42, 17), "spent anyway"


def test_the_tokens_of_an_answer_that_needed_repair_are_counted_and_budgeted(
    router: respx.Router, chat_model: OpenAIChatModel
) -> None:
    def invalid_then_valid() -> list[httpx.Response]:
        return [
            httpx.Response(200, json=completion('{"category": "weather"}', usage=(900, 100))),
            httpx.Response(200, json=completion(TRIAGE_JSON, usage=(1000, 20))),
        ]

    router.post("/chat/completions").side_effect = invalid_then_valid()
    result = make_run(chat_model, Waits()).run("Weather hold.")
    assert (result.report.input_tokens, result.report.output_tokens) == (1900, 120)

    router.post("/chat/completions").side_effect = invalid_then_valid()
    error = failure(make_run(chat_model, Waits(), limits=RunLimits(tokens=1500)))
    assert isinstance(error.cause, ModelBudgetError)
    assert error.cause.limit == "tokens"


def test_a_rejected_request_is_not_retried(
    router: respx.Router, chat_model: OpenAIChatModel
) -> None:
    route = router.post("/chat/completions").respond(401, json={"error": {"message": "bad key"}})

    error = failure(make_run(chat_model, Waits()))

    assert isinstance(error.cause, ModelRequestError)
    assert route.call_count == 1


_CALL_IDS = count()


def _always_calling_tools(request: httpx.Request) -> httpx.Response:
    call = function_call(
        f"call_{next(_CALL_IDS)}", "look_up_order", {"order_id": "SO-1", "include_lines": True}
    )
    return httpx.Response(200, json=completion(tool_calls=[call], finish_reason="tool_calls"))


@pytest.mark.parametrize(
    ("limits", "limit", "calls"),
    [
        (RunLimits(turns=3, tool_calls=50), "turns", 3),
        (RunLimits(turns=50, tool_calls=2), "tool_calls", 3),
        (RunLimits(turns=50, tool_calls=50, tokens=200), "tokens", 4),
    ],
)
def test_a_model_that_never_stops_calling_tools_ends_at_its_limit(
    router: respx.Router, chat_model: OpenAIChatModel, limits: RunLimits, limit: str, calls: int
) -> None:
    route = router.post("/chat/completions").mock(side_effect=_always_calling_tools)

    error = failure(make_run(chat_model, Waits(), limits=limits))

    assert isinstance(error.cause, ModelBudgetError)
    assert error.cause.limit == limit
    assert route.call_count == calls
    assert error.report.failures[-1].startswith("ModelBudgetError")


def test_wall_time_is_a_limit_too(router: respx.Router, chat_model: OpenAIChatModel) -> None:
    router.post("/chat/completions").mock(side_effect=_always_calling_tools)
    ticks = iter(float(t) for t in range(0, 1000, 4))
    run = ModelRun(
        client=chat_model,
        agent="classifier",
        prompt=PROMPT,
        output=OutputSchema(Triage),
        tools=(LOOKUP,),
        limits=RunLimits(turns=50, tool_calls=50, seconds=10),
        clock=lambda: next(ticks),
    )

    error = failure(run)

    assert isinstance(error.cause, ModelBudgetError)
    assert error.cause.limit == "seconds"


def test_each_tool_call_is_a_genai_tool_span(
    router: respx.Router, chat_model: OpenAIChatModel, spans: InMemorySpanExporter
) -> None:
    route = router.post("/chat/completions")
    route.side_effect = [
        httpx.Response(
            200,
            json=completion(
                tool_calls=[
                    function_call(
                        "call_9", "look_up_order", {"order_id": "SO-1", "include_lines": True}
                    )
                ],
                finish_reason="tool_calls",
            ),
        ),
        httpx.Response(200, json=completion(TRIAGE_JSON)),
    ]
    run = ModelRun(
        client=InstrumentedModel(chat_model),
        agent="classifier",
        prompt=PROMPT,
        output=OutputSchema(Triage),
        tools=(LOOKUP,),
    )

    run.run("Where is SO-1?")

    names = [span.name for span in spans.get_finished_spans()]
    assert names == ["chat gpt-4o-mini", "execute_tool look_up_order", "chat gpt-4o-mini"]
    tool_span = spans.get_finished_spans()[1]
    assert dict(tool_span.attributes or {}) == {
        "gen_ai.operation.name": "execute_tool",
        "gen_ai.tool.name": "look_up_order",
        "gen_ai.tool.call.id": "call_9",
        "gen_ai.tool.type": "function",
    }


def test_each_request_gets_the_request_timeout_but_never_more_than_is_left(
    router: respx.Router, chat_model: OpenAIChatModel
) -> None:
    seen: list[float] = []

    class Timing(WrapperModel):
        def request(self, request: ModelRequest[OutputT]) -> ModelResponse[OutputT]:
            seen.append(request.settings.timeout_seconds or 0.0)
            return self.wrapped.request(request)

    router.post("/chat/completions").respond(json=completion(TRIAGE_JSON))

    def run_at(*ticks: float) -> None:
        clock = iter(ticks)
        ModelRun(
            client=Timing(chat_model),
            agent="classifier",
            prompt=PROMPT,
            output=OutputSchema(Triage),
            limits=RunLimits(seconds=60, request_seconds=30),
            clock=lambda: next(clock),
        ).run("Weather hold.")

    run_at(0.0, 0.0, 1.0)
    run_at(0.0, 55.0, 56.0)  # 55 s of the run already gone at its request

    assert seen == [30.0, 5.0]
