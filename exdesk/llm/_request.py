"""What an agent asks a model for: messages, the tools it may call, the shape of the
answer, and sampling settings."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal

from pydantic import BaseModel, ValidationError
from typing_extensions import TypeVar

from exdesk.llm._messages import Message, ToolCall
from exdesk.llm._schema import schema_name, strict_json_schema

OutputT = TypeVar("OutputT", bound=BaseModel, default=BaseModel)
"""The pydantic model a structured answer is parsed into."""
ArgumentsT = TypeVar("ArgumentsT", bound=BaseModel, default=BaseModel)
"""The pydantic model a tool's arguments are parsed into."""

OutputMode = Literal["json_schema", "json_object", "json_object_schema"]
"""How a structured answer is asked for.

``json_schema``: strict structured outputs (the server enforces the schema).
``json_object``: JSON mode with the schema in the prompt, for servers that reject
``json_schema``.
``json_object_schema``: ``json_object`` with the schema also sent inside
``response_format`` (``{"type": "json_object", "schema": {...}}``), the extension by
which llama-cpp-python's server constrains its sampling to the schema (less what that
server cannot compile: see :func:`~exdesk.llm._schema.grammar_schema`).
The answer is validated here in every mode, against the whole schema.
"""


class InvalidOutputError(ValueError):
    """Text that is not JSON, or JSON that does not validate (``reason`` says which)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _escaped_controls(text: str) -> str | None:
    """The JSON with raw control characters inside its strings escaped (a line break a
    model wrote into a string as is, which JSON does not allow), or None when it is not
    JSON even so; nothing else is repaired."""

    def refuse(constant: str) -> None:
        raise ValueError(f"{constant} is not JSON")

    try:
        value = json.loads(text, strict=False, parse_constant=refuse)
    except ValueError:
        return None
    return json.dumps(value, ensure_ascii=False)


def _parse_json(model: type[OutputT], text: str, *, lenient: bool = True) -> OutputT:
    try:
        return model.model_validate_json(text)
    except ValidationError as error:
        first = error.errors()[0]
        if first["type"] == "json_invalid":
            escaped = _escaped_controls(text) if lenient else None
            if escaped is not None:
                return _parse_json(model, escaped, lenient=False)
            raise InvalidOutputError(f"is not valid JSON ({first['msg']})") from error
        where = ".".join(str(part) for part in first["loc"]) or "(root)"
        raise InvalidOutputError(
            f"does not match {model.__name__} at {where}: {first['msg']} "
            f"({error.error_count()} error(s))"
        ) from error


@dataclass(frozen=True)
class OutputSchema(Generic[OutputT]):
    """The shape the answer must have: one JSON object validating against ``model``."""

    model: type[OutputT]
    """The pydantic model the answer is parsed into."""
    mode: OutputMode = "json_schema"
    """How the schema is enforced (see :data:`OutputMode`)."""

    @property
    def name(self) -> str:
        """The schema's name as sent to the API (the model's class name)."""
        return schema_name(self.model)

    def json_schema(self) -> dict[str, Any]:
        """The model's strict JSON schema."""
        return strict_json_schema(self.model)

    def parse(self, text: str) -> OutputT:
        """The answer as a ``model``; :class:`InvalidOutputError` if it is not."""
        return _parse_json(self.model, text)


@dataclass(frozen=True)
class ToolDefinition(Generic[ArgumentsT]):
    """A tool the model may call: its arguments are a pydantic model."""

    name: str
    """What the model calls it (``[A-Za-z0-9_-]``, at most 64 characters)."""
    description: str
    """When and why to call it (the model reads this)."""
    parameters: type[ArgumentsT]
    """The pydantic model of its arguments."""

    def json_schema(self) -> dict[str, Any]:
        """The arguments' strict JSON schema."""
        return strict_json_schema(self.parameters)

    def parse_arguments(self, call: ToolCall) -> ArgumentsT:
        """A call's arguments as ``parameters``; :class:`InvalidOutputError` if they do not fit."""
        return _parse_json(self.parameters, json.dumps(call.arguments))


@dataclass(frozen=True)
class ModelSettings:
    """Sampling and limits of one request (None: the endpoint's default)."""

    max_output_tokens: int | None = None
    """The most tokens the answer may have; reaching it is a truncation error."""
    temperature: float | None = None
    seed: int | None = None
    """Asks for reproducible sampling where the endpoint supports it."""
    timeout_seconds: float | None = None
    """This request's timeout (None: the client's)."""


@dataclass(frozen=True)
class ModelRequest(Generic[OutputT]):
    """One call to a model."""

    messages: Sequence[Message]
    output: OutputSchema[OutputT] | None = None
    """The structured answer asked for (None: free text or tool calls)."""
    tools: Sequence[ToolDefinition[Any]] = ()
    settings: ModelSettings = field(default_factory=ModelSettings)
    agent: str = "unnamed"
    """Which agent asks (named in errors and traces)."""

    def tool(self, name: str) -> ToolDefinition[Any] | None:
        """The offered tool called ``name``, if any."""
        return next((tool for tool in self.tools if tool.name == name), None)
