"""What every model engine shares: its parts from the settings, the decision record's
account of a model run, the fallback when the model fails, and the two combined engines
(``cascade`` and ``shadow``) around a local engine and a model engine.

The combinators are written once, over plain callables, so each agent's combined engine
is only its notion of "unsure" (when the cascade asks the model) and of "agree" (how a
shadow answer is compared with the decision)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Literal, TypeVar

from pydantic import BaseModel

from exdesk.agents._outcome import AgentOutcome
from exdesk.agents.prompts import agent_prompt
from exdesk.domain import EngineChoice, EngineName, FallbackChoice, ModelUsage, ShadowRun
from exdesk.llm import (
    ModelClient,
    ModelRunError,
    OutputMode,
    Prompt,
    RetryPolicy,
    RunLimits,
    RunReport,
    chat_model_from_settings,
)
from exdesk.masking import mask_text
from exdesk.settings import ModelLimits, Settings

AgentKey = Literal["classifier", "extractor", "recommender", "drafter"]
"""An agent as the settings name it."""

RequestT = TypeVar("RequestT")
LocalT = TypeVar("LocalT")
OutcomeT = TypeVar("OutcomeT", bound=AgentOutcome[Any, Any])

_FAILURE_CHARS = 400


@dataclass(frozen=True)
class ModelParts:
    """Everything a model engine needs besides its prompt and tools."""

    client: ModelClient
    limits: RunLimits
    retry: RetryPolicy
    fallback: FallbackChoice
    output_mode: OutputMode = "json_schema"


def run_limits(limits: ModelLimits, request_seconds: float | None = None) -> RunLimits:
    """The settings' limits as the run takes them (``request_seconds``: one request's
    timeout, ``EXDESK_OPENAI_TIMEOUT_SECONDS``)."""
    return RunLimits(
        turns=limits.turns,
        tool_calls=limits.tool_calls,
        tokens=limits.tokens,
        output_tokens=limits.output_tokens,
        seconds=limits.seconds,
        request_seconds=request_seconds,
    )


def model_parts(settings: Settings, agent: AgentKey) -> ModelParts:
    """The agent's model (``EXDESK_<AGENT>_MODEL``), limits, retries and fallback."""
    model: str | None = getattr(settings, f"{agent}_model")
    limits: ModelLimits = getattr(settings, f"{agent}_limits")
    fallback: FallbackChoice = getattr(settings, f"{agent}_fallback")
    return ModelParts(
        client=chat_model_from_settings(settings, model),
        limits=run_limits(limits, settings.openai_timeout_seconds),
        retry=RetryPolicy(
            max_retries=settings.openai_max_retries, backoff_seconds=settings.openai_backoff_seconds
        ),
        fallback=fallback,
        output_mode=settings.openai_output_mode,
    )


def usage(
    report: RunReport,
    *,
    engine: EngineChoice,
    decided_by: Literal["local", "openai"],
    reason: str | None = None,
    failure: str | None = None,
    fallback: FallbackChoice | None = None,
    shadow: ShadowRun | None = None,
) -> ModelUsage:
    """The decision record's ``model``: the run's provider, model, prompt, tokens, turns,
    tools, retries and latency, and which engine decided and why."""
    return ModelUsage(
        provider=report.provider,
        model=report.model,
        prompt_id=report.prompt.id,
        prompt_version=report.prompt.version,
        input_tokens=report.input_tokens if report.turns else None,
        output_tokens=report.output_tokens if report.turns else None,
        engine=engine,
        decided_by=decided_by,
        reason=reason,
        turns=report.turns,
        tool_calls=list(report.tool_calls),
        retries=report.retries,
        latency_ms=round(report.latency_seconds * 1000),
        failure=failure,
        fallback=fallback,
        shadow=shadow,
    )


def not_asked(client: ModelClient, prompt: Prompt) -> RunReport:
    """The report of a model the cascade did not need to ask."""
    return RunReport(client.provider_name, client.model_name, prompt)


def describe_failure(error: Exception) -> str:
    """``<ErrorClass>: <message>`` (masked, bounded) for the record."""
    cause = error.cause if isinstance(error, ModelRunError) else error
    return mask_text(f"{type(cause).__name__}: {cause}")[:_FAILURE_CHARS]


def failed_report(error: Exception, client: ModelClient, prompt: Prompt) -> RunReport:
    """The report a failed run left (a bare one for an unexpected error)."""
    return error.report if isinstance(error, ModelRunError) else not_asked(client, prompt)


def with_usage(outcome: OutcomeT, model: ModelUsage) -> OutcomeT:
    """``outcome`` carrying ``model``."""
    return AgentOutcome(  # type: ignore[return-value]
        output=outcome.output,
        agent=outcome.agent,
        engine=outcome.engine,
        evidence=outcome.evidence,
        model=model,
    )


@dataclass(frozen=True)
class ModelAnswer:
    """How a model engine answers: ``ask`` (the model alone, raising on failure) and what
    stands in for it (``local``, ``triage``) when it fails."""

    client: ModelClient
    prompt: Prompt
    fallback: FallbackChoice


class ModelEngine(Generic[LocalT]):
    """What each agent's model engine holds: its model parts, the local engine it builds on
    (for what stays computed, and for the fallback), and its versioned prompt."""

    engine: EngineName = "openai"
    prompt_name: ClassVar[AgentKey]
    """The agent's prompt file, ``agents/prompts/<prompt_name>.md``."""

    def __init__(self, parts: ModelParts, local: LocalT, prompt: Prompt | None = None) -> None:
        self.parts = parts
        self.local = local
        self.prompt = prompt or agent_prompt(self.prompt_name)

    @property
    def answer(self) -> ModelAnswer:
        """The model, prompt and fallback, for the combinators."""
        return ModelAnswer(self.parts.client, self.prompt, self.parts.fallback)


def answer_or_fallback(
    request: RequestT,
    *,
    ask: Callable[[RequestT], OutcomeT],
    local: Callable[[RequestT], OutcomeT],
    triage: Callable[[RequestT], OutcomeT],
    parts: ModelAnswer,
    engine: EngineChoice = "openai",
    reason: str | None = None,
) -> OutcomeT:
    """The model's answer; when the model fails for any reason, the configured fallback's,
    with what failed and what was used instead in its ``model``. Never raises for a model
    failure: the case moves on."""
    try:
        return ask(request)
    except Exception as error:
        report = failed_report(error, parts.client, parts.prompt)
        stand_in = local(request) if parts.fallback == "local" else triage(request)
        return with_usage(
            stand_in,
            usage(
                report,
                engine=engine,
                decided_by="local",
                reason=reason,
                failure=describe_failure(error),
                fallback=parts.fallback,
            ),
        )


def cascade(
    request: RequestT,
    *,
    local: Callable[[RequestT], OutcomeT],
    unsure: Callable[[RequestT, OutcomeT], str | None],
    ask: Callable[[RequestT], OutcomeT],
    parts: ModelAnswer,
    local_failed: type[Exception] | None = None,
) -> OutcomeT:
    """The local answer when it is sure; else the model's (which falls back to the local
    answer when the model fails, whatever ``fallback`` says: the cascade has one)."""
    try:
        decided = local(request)
    except Exception as error:
        if local_failed is None or not isinstance(error, local_failed):
            raise
        reason = f"local engine could not answer: {describe_failure(error)}"
        return ask_with_reason(request, ask=ask, parts=parts, reason=reason, on_failure=error)
    why = unsure(request, decided)
    if why is None:
        return with_usage(
            decided,
            usage(
                not_asked(parts.client, parts.prompt),
                engine="cascade",
                decided_by="local",
                reason="local answer is sure enough; the model was not asked",
            ),
        )
    try:
        answered = ask(request)
    except Exception as error:
        return with_usage(
            decided,
            usage(
                failed_report(error, parts.client, parts.prompt),
                engine="cascade",
                decided_by="local",
                reason=why,
                failure=describe_failure(error),
                fallback="local",
            ),
        )
    assert answered.model is not None
    return with_usage(
        answered, answered.model.model_copy(update={"engine": "cascade", "reason": why})
    )


def ask_with_reason(
    request: RequestT,
    *,
    ask: Callable[[RequestT], OutcomeT],
    parts: ModelAnswer,
    reason: str,
    on_failure: Exception,
) -> OutcomeT:
    """The model's answer when the local engine raised; the local failure again when the
    model fails too (the workflow handles it as it always has)."""
    try:
        answered = ask(request)
    except Exception as error:
        raise on_failure from error
    assert answered.model is not None
    return with_usage(
        answered, answered.model.model_copy(update={"engine": "cascade", "reason": reason})
    )


def shadow(
    request: RequestT,
    *,
    local: Callable[[RequestT], OutcomeT],
    ask: Callable[[RequestT], OutcomeT],
    agree: Callable[[Any, Any], bool],
    parts: ModelAnswer,
) -> OutcomeT:
    """The local answer, exactly; the model's answer beside it in the record, with whether
    the two agree. Nothing the model does (an answer, an error) changes the outcome."""
    decided = local(request)
    try:
        answered = ask(request)
    except Exception as error:
        report = failed_report(error, parts.client, parts.prompt)
        return with_usage(
            decided,
            usage(
                report,
                engine="shadow",
                decided_by="local",
                reason="shadow: the model runs alongside and is only recorded",
                failure=describe_failure(error),
                shadow=ShadowRun(failure=describe_failure(error)),
            ),
        )
    assert answered.model is not None
    output: BaseModel = answered.output
    run = ShadowRun(
        output=output.model_dump(mode="json"), agreement=agree(decided.output, answered.output)
    )
    return with_usage(
        decided,
        answered.model.model_copy(
            update={
                "engine": "shadow",
                "decided_by": "local",
                "reason": "shadow: the model runs alongside and is only recorded",
                "shadow": run,
            }
        ),
    )
