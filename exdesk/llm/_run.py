"""One agent's bounded conversation with a model: tool rounds, one repair turn for an
answer outside its schema, retries of requests that got no answer, and the limits on
turns, tool calls, tokens and wall time. The report says what happened either way."""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, Literal

from opentelemetry.trace import SpanKind

from exdesk.errors import (
    AgentError,
    ModelBudgetError,
    ModelOutputError,
    ModelRefusalError,
    ModelTruncatedError,
    ModelUnavailableError,
)
from exdesk.llm._messages import (
    AssistantMessage,
    Message,
    SystemMessage,
    ToolResultMessage,
    UserMessage,
)
from exdesk.llm._model import ModelClient
from exdesk.llm._prompt import Prompt
from exdesk.llm._request import (
    InvalidOutputError,
    ModelRequest,
    ModelSettings,
    OutputSchema,
    OutputT,
)
from exdesk.llm._response import ModelResponse
from exdesk.llm._retry import RetryPolicy
from exdesk.llm._tools import BoundTool, definitions
from exdesk.telemetry import tracer

REPAIR_INSTRUCTION = (
    "Your previous answer could not be used: {reason}. Answer again with one JSON object "
    "that validates against the schema, and nothing else."
)

Limit = Literal["turns", "tool_calls", "tokens", "seconds"]


@dataclass(frozen=True)
class RunLimits:
    """What one run may spend."""

    turns: int = 6
    tool_calls: int = 8
    tokens: int = 24_000
    output_tokens: int = 2_048
    seconds: float = 60.0
    request_seconds: float | None = None
    """One request's timeout (None: what is left of ``seconds``); never past the run's."""


@dataclass
class RunReport:
    """What a run did, for the decision record and the spans (filled in as it goes)."""

    provider: str
    model: str
    prompt: Prompt
    turns: int = 0
    tool_calls: list[str] = field(default_factory=list)
    input_tokens: int = 0
    output_tokens: int = 0
    retries: int = 0
    repairs: int = 0
    latency_seconds: float = 0.0
    failures: list[str] = field(default_factory=list)
    """Every failed attempt, in order (type and message)."""


@dataclass(frozen=True)
class RunResult(Generic[OutputT]):
    """The validated answer and how it was reached."""

    output: OutputT
    report: RunReport


class ModelRunError(AgentError):
    """A run ended without a usable answer; ``cause`` is the last failure, ``report`` what
    was spent getting there."""

    def __init__(self, cause: AgentError, report: RunReport) -> None:
        super().__init__(cause.message, agent=cause.agent, engine=cause.engine)
        self.cause = cause
        self.report = report

    @property
    def kind(self) -> str:
        """The cause's class name (``ModelTimeoutError``…)."""
        return type(self.cause).__name__


@dataclass(frozen=True)
class ModelRun(Generic[OutputT]):
    """The parts of a run: who asks, what, with which tools, within which limits."""

    client: ModelClient
    agent: str
    prompt: Prompt
    output: OutputSchema[OutputT]
    tools: Sequence[BoundTool[Any]] = ()
    limits: RunLimits = RunLimits()
    retry: RetryPolicy = field(default_factory=RetryPolicy)
    engine: str = "openai"
    clock: Callable[[], float] = field(default=time.monotonic, repr=False)

    def run(self, user: str) -> RunResult[OutputT]:
        """Ask until the model gives a valid answer or a limit or failure ends the run;
        :class:`ModelRunError` (with the report) on the latter."""
        report = RunReport(self.client.provider_name, self.client.model_name, self.prompt)
        started = self.clock()
        try:
            output = self._converse(user, report, deadline=started + self.limits.seconds)
        except AgentError as error:
            report.failures.append(f"{type(error).__name__}: {error.message}")
            report.latency_seconds = self.clock() - started
            raise ModelRunError(error, report) from error
        report.latency_seconds = self.clock() - started
        return RunResult(output, report)

    def _converse(self, user: str, report: RunReport, *, deadline: float) -> OutputT:
        messages: list[Message] = [SystemMessage(self.prompt.text), UserMessage(user)]
        tools = {tool.name: tool for tool in self.tools}
        while True:
            if report.turns >= self.limits.turns:
                raise self._budget("turns", f"{self.limits.turns} model turns used")
            try:
                response = self._ask(messages, report, deadline=deadline)
            except (ModelRefusalError, ModelTruncatedError):
                raise
            except ModelOutputError as error:
                if report.repairs >= 1:
                    raise
                report.repairs += 1
                report.failures.append(f"{type(error).__name__}: {error.message}")
                messages.append(AssistantMessage(error.output or ""))
                messages.append(UserMessage(REPAIR_INSTRUCTION.format(reason=error.message)))
                continue
            if response.tool_calls:
                self._call_tools(response, messages, tools, report)
                continue
            if response.output is None:  # pragma: no cover - checked_response guarantees it
                raise ModelOutputError(
                    f"{self.agent}: no structured answer", agent=self.agent, engine=self.engine
                )
            return response.output

    def _call_tools(
        self,
        response: ModelResponse[OutputT],
        messages: list[Message],
        tools: dict[str, BoundTool[Any]],
        report: RunReport,
    ) -> None:
        if len(report.tool_calls) + len(response.tool_calls) > self.limits.tool_calls:
            raise self._budget(
                "tool_calls", f"the model asked for more than {self.limits.tool_calls} tool calls"
            )
        messages.append(AssistantMessage(response.text, response.tool_calls))
        for call in response.tool_calls:
            tool = tools[call.name]  # checked_response refused tools it was not offered
            report.tool_calls.append(call.name)
            with tracer.start_as_current_span(
                f"execute_tool {call.name}",
                kind=SpanKind.INTERNAL,
                attributes={
                    "gen_ai.operation.name": "execute_tool",
                    "gen_ai.tool.name": call.name,
                    "gen_ai.tool.call.id": call.id,
                    "gen_ai.tool.type": "function",
                },
            ) as span:
                try:
                    result = tool.run(tool.definition.parse_arguments(call))
                except (InvalidOutputError, LookupError, ValueError) as error:
                    span.set_attribute("error.type", type(error).__qualname__)
                    result = f'{{"error": "{type(error).__name__}"}}'
            messages.append(ToolResultMessage(call.id, result))

    def _ask(
        self, messages: list[Message], report: RunReport, *, deadline: float
    ) -> ModelResponse[OutputT]:
        attempt = 0
        while True:
            remaining = deadline - self.clock()
            if remaining <= 0:
                raise self._budget("seconds", f"{self.limits.seconds} s of wall time used")
            request = ModelRequest(
                messages=tuple(messages),
                output=self.output,
                tools=definitions(self.tools),
                settings=ModelSettings(
                    max_output_tokens=self.limits.output_tokens,
                    temperature=0.0,
                    seed=0,
                    timeout_seconds=min(remaining, self.limits.request_seconds or remaining),
                ),
                agent=self.agent,
            )
            report.turns += 1
            try:
                response = self.client.request(request)
            except ModelOutputError as error:  # an answer, unusable: its tokens are spent
                self._spend(report, error.input_tokens, error.output_tokens)
                raise
            except ModelUnavailableError as error:
                attempt += 1
                if attempt > self.retry.max_retries:
                    raise
                wait = self.retry.wait_before(attempt, error)
                if self.clock() + wait >= deadline:
                    raise
                report.failures.append(f"{type(error).__name__}: {error.message}")
                report.retries += 1
                report.turns -= 1  # a resend is not a new turn of the conversation
                self.retry.sleep(wait)
                continue
            self._spend(report, response.usage.input_tokens or 0, response.usage.output_tokens or 0)
            return response

    def _spend(self, report: RunReport, input_tokens: int, output_tokens: int) -> None:
        """Count an answer's tokens; past the run's token budget, end the run."""
        report.input_tokens += input_tokens
        report.output_tokens += output_tokens
        if report.input_tokens + report.output_tokens > self.limits.tokens:
            raise self._budget("tokens", f"more than {self.limits.tokens} tokens used")

    def _budget(self, limit: Limit, detail: str) -> ModelBudgetError:
        return ModelBudgetError(
            f"{self.agent}: the model run ended at its limit: {detail}",
            agent=self.agent,
            engine=self.engine,
            limit=limit,
        )
