"""Helpers of the model-client tests: an OpenAI client whose HTTP traffic a respx router
answers, chat-completion bodies, and the pydantic models the tests ask for."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any, Literal

import httpx
import httpx2
import respx
from openai import OpenAI
from pydantic import BaseModel, Field

from exdesk.llm import openai_client as build_openai_client

OPENAI_BASE_URL = "https://llm.example.test/v1"
MODEL = "gpt-4o-mini"
TIMEOUT_SECONDS = 7.5


def routed(router: respx.Router) -> Callable[[httpx2.Request], httpx2.Response]:
    """``router`` answering the SDK's ``httpx2`` requests (mirrored into ``httpx``, which
    respx speaks, and back)."""

    def answer(request: httpx2.Request) -> httpx2.Response:
        mirrored = httpx.Request(
            request.method,
            str(request.url),
            headers=list(request.headers.multi_items()),
            content=request.read(),
        )
        response = router.handler(mirrored)
        return httpx2.Response(
            response.status_code,
            headers=list(response.headers.multi_items()),
            content=response.read(),
        )

    return answer


def openai_client(router: respx.Router, *, timeout_seconds: float = TIMEOUT_SECONDS) -> OpenAI:
    """The project's OpenAI client, its requests answered by ``router``.

    openai 3.x sends through ``httpx2``, which respx does not patch; this transport hands
    each request to the router, so routes, call records and ``assert_all_called`` work as
    usual and nothing reaches the network (an unmatched request raises). An exception a
    route raises (``httpx.ConnectError``…) reaches the SDK as the transport's failure.
    """

    return build_openai_client(
        api_key="sk-test-key",
        base_url=OPENAI_BASE_URL,
        timeout_seconds=timeout_seconds,
        http_client=httpx2.Client(transport=httpx2.MockTransport(routed(router))),
    )


def completion(
    content: str | None = None,
    *,
    tool_calls: list[dict[str, Any]] | None = None,
    finish_reason: str = "stop",
    refusal: str | None = None,
    usage: tuple[int, int] | None = (42, 17),
) -> dict[str, Any]:
    """A Chat Completions response body with one choice."""
    message: dict[str, Any] = {"role": "assistant", "content": content, "refusal": refusal}
    if tool_calls is not None:
        message["tool_calls"] = tool_calls
    body: dict[str, Any] = {
        "id": "chatcmpl-test-1",
        "object": "chat.completion",
        "created": 1_767_225_600,
        "model": "gpt-4o-mini-2024-07-18",
        "choices": [
            {"index": 0, "message": message, "finish_reason": finish_reason, "logprobs": None}
        ],
    }
    if usage is not None:
        body["usage"] = {
            "prompt_tokens": usage[0],
            "completion_tokens": usage[1],
            "total_tokens": sum(usage),
        }
    return body


def function_call(call_id: str, name: str, arguments: dict[str, Any] | str) -> dict[str, Any]:
    """A tool call as the API writes it (arguments as a JSON string)."""
    text = arguments if isinstance(arguments, str) else json.dumps(arguments)
    return {"id": call_id, "type": "function", "function": {"name": name, "arguments": text}}


def sent(route: respx.Route) -> dict[str, Any]:
    """The JSON body of the route's last request."""
    body: dict[str, Any] = json.loads(route.calls.last.request.content)
    return body


class Carrier(BaseModel):
    """A nested object (strict mode must close it too)."""

    name: str
    scac: str | None = None


class Triage(BaseModel):
    """A structured answer like an agent's: a closed set, a bounded number, free text."""

    category: Literal["carrier_delay", "inventory_shortage", "other"]
    confidence: float = Field(ge=0, le=1)
    rationale: str = Field(max_length=200)
    carrier: Carrier | None = Field(default=None, description="The carrier, if one is named.")


class OrderLookup(BaseModel):
    """A tool's arguments."""

    order_id: str = Field(min_length=1)
    include_lines: bool = False


TRIAGE_JSON = (
    '{"category":"carrier_delay","confidence":0.82,"rationale":"Weather hold at the hub.",'
    '"carrier":{"name":"UPS","scac":null}}'
)
