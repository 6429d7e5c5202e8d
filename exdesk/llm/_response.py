"""What a model answered: text or tool calls, the parsed structured output, why it
stopped, its token usage and latency."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, Literal

from exdesk.llm._messages import ToolCall
from exdesk.llm._request import OutputT

FinishReason = Literal["stop", "length", "tool_calls", "content_filter", "other"]
"""Why generation stopped: a natural end, the token limit, to call tools, the provider's
content filter, or anything else a compatible server reports."""


@dataclass(frozen=True)
class Usage:
    """Tokens the call consumed (None where the endpoint did not say)."""

    input_tokens: int | None = None
    output_tokens: int | None = None


@dataclass(frozen=True)
class ModelResponse(Generic[OutputT]):
    """One answer of a model."""

    text: str | None = None
    """The message content (the raw JSON when a structured output was asked for)."""
    tool_calls: tuple[ToolCall, ...] = ()
    finish_reason: FinishReason = "stop"
    usage: Usage = Usage()
    model_name: str | None = None
    """The model that answered, as the endpoint names it."""
    response_id: str | None = None
    latency_seconds: float = 0.0
    """Wall time of the call."""
    output: OutputT | None = None
    """The parsed structured answer: set whenever the request asked for one and the model
    answered with text rather than tool calls."""
    refusal: str | None = None
    """The model's refusal message, when it declined (the client raises on it)."""
