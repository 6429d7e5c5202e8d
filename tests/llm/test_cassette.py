"""Record and replay: a run's model exchanges written to a cassette are answered from it
offline, byte for byte, and a request the cassette does not hold fails, naming the
cassette, and the engine's fallback takes over."""

from __future__ import annotations

import json
from pathlib import Path

import httpx2
import pytest

from exdesk.agents._engines import ModelParts
from exdesk.agents.classifier.contract import ClassificationRequest
from exdesk.agents.classifier.openai_engine import OpenAIClassifier
from exdesk.domain import ClassificationProposal
from exdesk.llm import (
    CassetteMissError,
    CassetteTransport,
    OpenAIChatModel,
    RetryPolicy,
    RunLimits,
    chat_model_from_settings,
    openai_client,
)
from exdesk.settings import Settings
from tests.agents.model_engines.support import FixedClassifier
from tests.llm.support import MODEL, OPENAI_BASE_URL, completion, function_call
from tests.support.factories import make_event

REQUEST = ClassificationRequest(event=make_event("Truck missed the pickup window at DC-1."))
LOCAL = ClassificationProposal(category="other", confidence=0.2, rationale="local")
ANSWER = '{"category": "carrier_delay", "confidence": 0.8, "rationale": "missed pickup"}'


class Endpoint:
    """A model endpoint: a tool call, then an answer; every response body kept."""

    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def __call__(self, request: httpx2.Request) -> httpx2.Response:
        body = json.loads(request.content)
        if body["messages"][-1]["role"] == "tool":
            answer = completion(ANSWER)
        else:
            call = function_call("call_7", "get_order", {})
            answer = completion(tool_calls=[call], finish_reason="tool_calls")
        content = json.dumps(answer, indent=1).encode()
        self.sent.append(content)
        return httpx2.Response(200, content=content, headers={"content-type": "application/json"})


class Keeping(httpx2.BaseTransport):
    """Keeps the bytes of every response the wrapped transport gives."""

    def __init__(self, inner: httpx2.BaseTransport) -> None:
        self.inner = inner
        self.received: list[bytes] = []

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        response = self.inner.handle_request(request)
        self.received.append(response.read())
        return response


def classifier_on(transport: httpx2.BaseTransport) -> OpenAIClassifier:
    client = openai_client(
        api_key="sk-test", base_url=OPENAI_BASE_URL, http_client=httpx2.Client(transport=transport)
    )
    parts = ModelParts(
        client=OpenAIChatModel(client, MODEL),
        limits=RunLimits(),
        retry=RetryPolicy(max_retries=0, sleep=lambda _: None),
        fallback="local",
    )
    return OpenAIClassifier(parts, FixedClassifier(LOCAL))


def test_a_recorded_run_replays_offline_byte_for_byte(tmp_path: Path) -> None:
    cassette = tmp_path / "run.jsonl"
    endpoint = Endpoint()
    recorded = classifier_on(CassetteTransport(cassette, "record", httpx2.MockTransport(endpoint)))
    first = recorded.classify(REQUEST)

    replaying = Keeping(CassetteTransport(cassette, "replay"))
    again = classifier_on(replaying).classify(REQUEST)

    assert first.output.category == "carrier_delay"
    assert again.output == first.output
    assert again.model is not None
    assert first.model is not None
    assert again.model.tool_calls == first.model.tool_calls == ["get_order"]
    assert replaying.received == endpoint.sent
    assert len(cassette.read_text().splitlines()) == 2


def test_a_request_the_cassette_does_not_hold_falls_back(tmp_path: Path) -> None:
    cassette = tmp_path / "run.jsonl"
    classifier_on(CassetteTransport(cassette, "record", httpx2.MockTransport(Endpoint()))).classify(
        REQUEST
    )
    other = REQUEST.model_copy(update={"event": make_event("Pallet crushed on arrival.")})

    outcome = classifier_on(CassetteTransport(cassette, "replay")).classify(other)

    assert outcome.output == LOCAL
    assert outcome.model is not None
    assert (outcome.model.failure or "").startswith("CassetteMissError: the cassette")


def test_replay_needs_no_endpoint_and_reaches_none(tmp_path: Path) -> None:
    cassette = tmp_path / "empty.jsonl"
    cassette.write_text("")
    settings = Settings(
        telemetry_exporter="none", llm_cassette=cassette, llm_cassette_mode="replay"
    )

    model = chat_model_from_settings(settings)

    assert model.server_address == "cassette.invalid"
    with pytest.raises(CassetteMissError):
        CassetteTransport(cassette, "replay").handle_request(
            httpx2.Request("POST", "http://cassette.invalid/v1/chat/completions", content=b"{}")
        )
