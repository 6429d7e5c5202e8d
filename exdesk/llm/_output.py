"""The checks every answer passes before an agent sees it, whichever client produced it:
no refusal, not truncated, tool calls to offered tools with valid arguments, and the
structured output parsed."""

from __future__ import annotations

from typing import Any

from exdesk.errors import (
    ModelOutputError,
    ModelRefusalError,
    ModelTruncatedError,
)
from exdesk.llm._request import InvalidOutputError, ModelRequest, OutputT
from exdesk.llm._response import ModelResponse


def checked_response(
    request: ModelRequest[OutputT], answer: ModelResponse[Any], *, engine: str
) -> ModelResponse[OutputT]:
    """``answer`` with its structured output parsed, or the typed error saying why the
    answer cannot be used (refusal, truncation, output outside its schema), carrying the
    tokens the answer cost."""
    try:
        return _checked(request, answer, engine=engine)
    except ModelOutputError as error:
        error.input_tokens = answer.usage.input_tokens or 0
        error.output_tokens = answer.usage.output_tokens or 0
        raise


def _checked(
    request: ModelRequest[OutputT], answer: ModelResponse[Any], *, engine: str
) -> ModelResponse[OutputT]:
    agent = request.agent
    if answer.refusal is not None or answer.finish_reason == "content_filter":
        refusal = answer.refusal or ""
        reason = f": {refusal}" if refusal else " (content filter)"
        raise ModelRefusalError(
            f"{agent}: the model refused{reason}", agent=agent, engine=engine, refusal=refusal
        )
    if answer.finish_reason == "length":
        limit = request.settings.max_output_tokens
        raise ModelTruncatedError(
            f"{agent}: the answer was cut off at the output-token limit ({limit or 'server'})",
            agent=agent,
            engine=engine,
            max_tokens=limit,
            output=answer.text,
        )
    for call in answer.tool_calls:
        tool = request.tool(call.name)
        if tool is None:
            raise ModelOutputError(
                f"{agent}: the model called {call.name!r}, a tool it was not offered",
                agent=agent,
                engine=engine,
                output=answer.text,
            )
        try:
            tool.parse_arguments(call)
        except InvalidOutputError as error:
            raise ModelOutputError(
                f"{agent}: the arguments of {call.name!r} {error.reason}",
                agent=agent,
                engine=engine,
                output=answer.text,
            ) from error
    output: OutputT | None = None
    if request.output is not None and not answer.tool_calls:
        if not answer.text or not answer.text.strip():
            raise ModelOutputError(
                f"{agent}: the model answered nothing where {request.output.name} was asked for",
                agent=agent,
                engine=engine,
                output=answer.text,
            )
        try:
            output = request.output.parse(answer.text)
        except InvalidOutputError as error:
            raise ModelOutputError(
                f"{agent}: the answer {error.reason}",
                agent=agent,
                engine=engine,
                output=answer.text,
            ) from error
    return ModelResponse(
        text=answer.text,
        tool_calls=answer.tool_calls,
        finish_reason=answer.finish_reason,
        usage=answer.usage,
        model_name=answer.model_name,
        response_id=answer.response_id,
        latency_seconds=answer.latency_seconds,
        output=output,
        refusal=None,
    )
