"""The conversation sent to a model: system, user, assistant (with tool calls) and tool
result messages."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, ClassVar, Literal

Role = Literal["system", "user", "assistant", "tool"]
"""Who a message is from; ``tool`` carries the result of one tool call."""


@dataclass(frozen=True)
class ToolCall:
    """One call the model asked for."""

    id: str
    """The call's id, echoed by the :class:`ToolResultMessage` that answers it."""
    name: str
    """The tool's name (one of the request's tools)."""
    arguments: dict[str, Any]
    """The arguments as parsed JSON."""


@dataclass(frozen=True)
class SystemMessage:
    """Instructions: what the agent is, what it may do, how to answer."""

    content: str
    role: ClassVar[Literal["system"]] = "system"


@dataclass(frozen=True)
class UserMessage:
    """The input to work on."""

    content: str
    role: ClassVar[Literal["user"]] = "user"


@dataclass(frozen=True)
class AssistantMessage:
    """An earlier answer of the model: text, tool calls, or both."""

    content: str | None = None
    tool_calls: tuple[ToolCall, ...] = ()
    role: ClassVar[Literal["assistant"]] = "assistant"


@dataclass(frozen=True)
class ToolResultMessage:
    """What a tool returned for the call ``tool_call_id`` (text, usually JSON)."""

    tool_call_id: str
    content: str
    role: ClassVar[Literal["tool"]] = "tool"


Message = SystemMessage | UserMessage | AssistantMessage | ToolResultMessage
"""Any message of a conversation."""
