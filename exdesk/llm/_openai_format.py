"""Our requests and responses in the Chat Completions format (the vendor's wire shapes,
apart from the client that sends them)."""

from __future__ import annotations

import json
from typing import Any

from openai.types.chat import (
    ChatCompletion,
    ChatCompletionFunctionToolParam,
    ChatCompletionMessageFunctionToolCall,
    ChatCompletionMessageParam,
    ChatCompletionMessageToolCallUnion,
)
from openai.types.chat.completion_create_params import ResponseFormat
from openai.types.shared_params import ResponseFormatJSONObject

from exdesk.errors import ModelOutputError, ModelServerError
from exdesk.llm._messages import (
    Message,
    SystemMessage,
    ToolCall,
    ToolResultMessage,
    UserMessage,
)
from exdesk.llm._request import ModelRequest, OutputSchema
from exdesk.llm._response import FinishReason, ModelResponse, Usage
from exdesk.llm._schema import grammar_schema

_FINISH_REASONS: dict[str | None, FinishReason] = {
    "stop": "stop",
    "length": "length",
    "tool_calls": "tool_calls",
    "function_call": "tool_calls",
    "content_filter": "content_filter",
}


def schema_instruction(output: OutputSchema[Any]) -> str:
    """What JSON mode adds to the instructions: the schema the answer must follow."""
    schema = json.dumps(output.json_schema(), separators=(",", ":"), sort_keys=True)
    return (
        f"Answer with one JSON object, and nothing else, that validates against this JSON "
        f"schema ({output.name}):\n{schema}"
    )


def chat_messages(request: ModelRequest[Any]) -> list[ChatCompletionMessageParam]:
    """The request's messages; in the JSON modes the schema joins the instructions (the
    first system message, or a new one: some chat templates allow only one, first)."""
    messages = list(request.messages)
    if request.output is not None and request.output.mode != "json_schema":
        instruction = schema_instruction(request.output)
        first = messages[0] if messages else None
        if isinstance(first, SystemMessage):
            messages[0] = SystemMessage(f"{first.content}\n\n{instruction}")
        else:
            messages.insert(0, SystemMessage(instruction))
    return [_message(message) for message in messages]


def _message(message: Message) -> ChatCompletionMessageParam:
    if isinstance(message, SystemMessage):
        return {"role": "system", "content": message.content}
    if isinstance(message, UserMessage):
        return {"role": "user", "content": message.content}
    if isinstance(message, ToolResultMessage):
        return {"role": "tool", "tool_call_id": message.tool_call_id, "content": message.content}
    if not message.tool_calls:
        return {"role": "assistant", "content": message.content}
    # A tool-calling turn's text as a string, never null: llama-cpp-python's server
    # answers HTTP 500 to a null (and its chat templates fail on a missing) content.
    return {
        "role": "assistant",
        "content": message.content or "",
        "tool_calls": [
            {
                "id": call.id,
                "type": "function",
                "function": {"name": call.name, "arguments": json.dumps(call.arguments)},
            }
            for call in message.tool_calls
        ],
    }


class JSONObjectWithSchema(ResponseFormatJSONObject, total=False):
    """JSON mode with the schema the answer must follow: llama-cpp-python's extension of
    ``json_object`` (it compiles the schema into a sampling grammar, so what it cannot
    compile is left out: see :func:`~exdesk.llm._schema.grammar_schema`)."""

    schema: dict[str, Any]


def response_format(output: OutputSchema[Any]) -> ResponseFormat:
    """``json_schema`` (strict structured outputs), ``json_object`` (JSON mode), or
    ``json_object`` carrying the schema (``json_object_schema``)."""
    if output.mode == "json_object":
        return {"type": "json_object"}
    if output.mode == "json_object_schema":
        schema = grammar_schema(output.json_schema())
        with_schema: JSONObjectWithSchema = {"type": "json_object", "schema": schema}
        return with_schema
    return {
        "type": "json_schema",
        "json_schema": {"name": output.name, "schema": output.json_schema(), "strict": True},
    }


def function_tools(request: ModelRequest[Any]) -> list[ChatCompletionFunctionToolParam]:
    """The request's tools as strict function tools."""
    return [
        {
            "type": "function",
            "function": {
                "name": tool.name,
                "description": tool.description,
                "parameters": tool.json_schema(),
                "strict": True,
            },
        }
        for tool in request.tools
    ]


def model_response(
    completion: object, *, latency_seconds: float, agent: str, engine: str
) -> ModelResponse[Any]:
    """The completion's first choice as an unchecked :class:`ModelResponse`.

    ``completion`` is whatever the SDK returned: for a 200 that is not JSON (a proxy's
    HTML page) that is a string, not a completion.
    """
    if not isinstance(completion, ChatCompletion) or not completion.choices:
        raise ModelServerError(
            f"{agent}: the endpoint answered 200 without a chat completion choice",
            agent=agent,
            engine=engine,
            status_code=200,
        )
    choice = completion.choices[0]
    message = choice.message
    usage = completion.usage
    return ModelResponse(
        text=message.content,
        tool_calls=tuple(
            _tool_call(call, agent=agent, engine=engine) for call in message.tool_calls or ()
        ),
        finish_reason=_FINISH_REASONS.get(choice.finish_reason, "other"),
        usage=Usage(usage.prompt_tokens, usage.completion_tokens) if usage else Usage(),
        model_name=completion.model or None,
        response_id=completion.id or None,
        latency_seconds=latency_seconds,
        refusal=message.refusal,
    )


def _tool_call(call: ChatCompletionMessageToolCallUnion, *, agent: str, engine: str) -> ToolCall:
    if not isinstance(call, ChatCompletionMessageFunctionToolCall):
        raise ModelOutputError(
            f"{agent}: the model made a {call.type} tool call, not a function call",
            agent=agent,
            engine=engine,
        )
    try:
        arguments = json.loads(call.function.arguments or "{}")
    except json.JSONDecodeError:
        arguments = None
    if not isinstance(arguments, dict):
        raise ModelOutputError(
            f"{agent}: the arguments of {call.function.name!r} are not a JSON object",
            agent=agent,
            engine=engine,
            output=call.function.arguments,
        )
    return ToolCall(call.id, call.function.name, arguments)
