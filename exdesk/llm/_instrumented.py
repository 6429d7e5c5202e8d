"""Telemetry as a wrapper: one OpenTelemetry span per model call, named and attributed
after the GenAI semantic conventions; prompts and completions only on request, masked."""

from __future__ import annotations

from typing import Any

from opentelemetry.trace import Span, SpanKind, Status, StatusCode

from exdesk.llm._messages import (
    AssistantMessage,
    Message,
    SystemMessage,
    ToolCall,
    ToolResultMessage,
)
from exdesk.llm._model import ModelClient, WrapperModel
from exdesk.llm._request import ModelRequest, OutputT
from exdesk.llm._response import ModelResponse
from exdesk.masking import mask_text
from exdesk.telemetry import masked_attributes, tracer

OPERATION = "chat"


class InstrumentedModel(WrapperModel):
    """Traces every call of ``wrapped`` as a CLIENT span ``chat {model}``.

    ``capture_content`` adds ``gen_ai.system_instructions``, ``gen_ai.input.messages`` and
    ``gen_ai.output.messages`` (personal data masked); off by default, as they may hold
    what a customer wrote.
    """

    def __init__(self, wrapped: ModelClient, *, capture_content: bool = False) -> None:
        super().__init__(wrapped)
        self.capture_content = capture_content
        """Whether prompts and completions are recorded on the span."""

    def request(self, request: ModelRequest[OutputT]) -> ModelResponse[OutputT]:
        """The wrapped client's answer, inside a span describing the call."""
        with tracer.start_as_current_span(
            f"{OPERATION} {self.model_name}",
            kind=SpanKind.CLIENT,
            attributes=self._request_attributes(request),
            record_exception=False,
            set_status_on_exception=False,
        ) as span:
            try:
                response = self.wrapped.request(request)
            except Exception as error:
                span.set_attribute("error.type", type(error).__qualname__)
                span.set_status(Status(StatusCode.ERROR, mask_text(str(error))))
                raise
            self._record_response(span, response)
            return response

    def _request_attributes(self, request: ModelRequest[Any]) -> dict[str, Any]:
        settings = request.settings
        values: dict[str, Any] = {
            "gen_ai.operation.name": OPERATION,
            "gen_ai.provider.name": self.provider_name,
            "gen_ai.request.model": self.model_name,
            "gen_ai.request.max_tokens": settings.max_output_tokens,
            "gen_ai.request.temperature": settings.temperature,
            "gen_ai.request.seed": settings.seed,
            "gen_ai.output.type": "json" if request.output is not None else "text",
            "server.address": self.server_address,
            "server.port": self.server_port,
        }
        attributes = {key: value for key, value in values.items() if value is not None}
        if self.capture_content:
            system = [m.content for m in request.messages if isinstance(m, SystemMessage)]
            conversation = [m for m in request.messages if not isinstance(m, SystemMessage)]
            attributes |= masked_attributes(
                {
                    "gen_ai.system_instructions": [
                        {"type": "text", "content": text} for text in system
                    ]
                    or None,
                    "gen_ai.input.messages": [_message(m) for m in conversation],
                }
            )
        return attributes

    def _record_response(self, span: Span, response: ModelResponse[Any]) -> None:
        values: dict[str, Any] = {
            "gen_ai.response.model": response.model_name,
            "gen_ai.response.id": response.response_id,
            "gen_ai.response.finish_reasons": (response.finish_reason,),
            "gen_ai.usage.input_tokens": response.usage.input_tokens,
            "gen_ai.usage.output_tokens": response.usage.output_tokens,
        }
        span.set_attributes({key: value for key, value in values.items() if value is not None})
        if self.capture_content:
            output = AssistantMessage(response.text, response.tool_calls)
            message = {**_message(output), "finish_reason": response.finish_reason}
            span.set_attributes(masked_attributes({"gen_ai.output.messages": [message]}))


def _message(message: Message) -> dict[str, Any]:
    """A message in the conventions' shape: a role and typed parts."""
    if isinstance(message, ToolResultMessage):
        part = {"type": "tool_call_response", "id": message.tool_call_id}
        return {"role": "tool", "parts": [{**part, "response": message.content}]}
    parts: list[dict[str, Any]] = []
    if message.content:
        parts.append({"type": "text", "content": message.content})
    if isinstance(message, AssistantMessage):
        parts.extend(_tool_call(call) for call in message.tool_calls)
    return {"role": message.role, "parts": parts}


def _tool_call(call: ToolCall) -> dict[str, Any]:
    return {"type": "tool_call", "id": call.id, "name": call.name, "arguments": call.arguments}
