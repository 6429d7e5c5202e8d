"""Language models behind one interface, for the agents' ``openai`` engines.

``ModelClient`` is the interface (one request in, one checked answer or a typed error
out); ``OpenAIChatModel`` implements it on any OpenAI-compatible endpoint,
``InstrumentedModel`` wraps any client with a GenAI-convention span per call, and
``ScriptedModel`` answers from a script for logic tests. Failures are the typed
``Model*Error`` classes of :mod:`exdesk.errors`; no client retries.

This package is kernel level: it imports the domain, errors, settings, telemetry and
masking, never the agents, workflows, policies, tools, API or evaluations.
"""

from exdesk.llm._build import chat_model_from_settings, shared_openai_client
from exdesk.llm._cassette import CassetteMissError, CassetteMode, CassetteTransport
from exdesk.llm._client import DEFAULT_TIMEOUT_SECONDS, openai_client, openai_client_from_settings
from exdesk.llm._instrumented import InstrumentedModel
from exdesk.llm._limiter import EndpointLimiter, EndpointLimits, LimitedModel, endpoint_limiter
from exdesk.llm._messages import (
    AssistantMessage,
    Message,
    Role,
    SystemMessage,
    ToolCall,
    ToolResultMessage,
    UserMessage,
)
from exdesk.llm._model import ModelClient, WrapperModel
from exdesk.llm._openai import OpenAIChatModel
from exdesk.llm._prompt import Prompt, load_prompt, untrusted
from exdesk.llm._request import (
    InvalidOutputError,
    ModelRequest,
    ModelSettings,
    OutputMode,
    OutputSchema,
    ToolDefinition,
)
from exdesk.llm._response import FinishReason, ModelResponse, Usage
from exdesk.llm._retry import RetryPolicy
from exdesk.llm._run import ModelRun, ModelRunError, RunLimits, RunReport, RunResult
from exdesk.llm._schema import strict_json_schema
from exdesk.llm._scripted import ScriptedModel, ScriptExhaustedError, ScriptItem
from exdesk.llm._tools import BoundTool, definitions, read_only_tool

__all__ = [
    "DEFAULT_TIMEOUT_SECONDS",
    "AssistantMessage",
    "BoundTool",
    "CassetteMissError",
    "CassetteMode",
    "CassetteTransport",
    "EndpointLimiter",
    "EndpointLimits",
    "FinishReason",
    "InstrumentedModel",
    "InvalidOutputError",
    "LimitedModel",
    "Message",
    "ModelClient",
    "ModelRequest",
    "ModelResponse",
    "ModelRun",
    "ModelRunError",
    "ModelSettings",
    "OpenAIChatModel",
    "OutputMode",
    "OutputSchema",
    "Prompt",
    "RetryPolicy",
    "Role",
    "RunLimits",
    "RunReport",
    "RunResult",
    "ScriptExhaustedError",
    "ScriptItem",
    "ScriptedModel",
    "SystemMessage",
    "ToolCall",
    "ToolDefinition",
    "ToolResultMessage",
    "Usage",
    "UserMessage",
    "WrapperModel",
    "chat_model_from_settings",
    "definitions",
    "endpoint_limiter",
    "load_prompt",
    "openai_client",
    "openai_client_from_settings",
    "read_only_tool",
    "shared_openai_client",
    "strict_json_schema",
    "untrusted",
]
