"""Which engine decided a sample, read from what the agent returned, and the shadow model's
own answer scored as the suite scores a decision."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from exdesk.agents._outcome import AgentOutcome
from exdesk.domain import EngineName, ModelUsage
from exdesk.evals.records import EngineTrace, EvalEngine, ShadowAnswer

ModelT = TypeVar("ModelT", bound=BaseModel)

Scored = tuple[dict[str, Any], dict[str, float | None]]
"""A suite's observation of one answer and its per-sample scores."""


def trace_usage(model: ModelUsage | None, engine: EngineName, selected: EvalEngine) -> EngineTrace:
    """The trace of a decision made by ``engine`` with ``model`` its account of a model run
    (None: no model was involved)."""
    if model is None:
        return EngineTrace(selected=selected, decided_by=engine, asked=False)
    return EngineTrace(
        selected=selected,
        decided_by=model.decided_by or engine,
        asked=bool(model.turns) or model.failure is not None,
        reason=model.reason,
        failure=model.failure,
        fallback=model.fallback,
    )


def local_trace(selected: EvalEngine) -> EngineTrace:
    """The trace of an answer only the local engine could have given."""
    return EngineTrace(selected=selected, decided_by="local", asked=False)


def trace(outcome: AgentOutcome[Any, Any], selected: EvalEngine) -> EngineTrace:
    """The trace of an agent's outcome."""
    return trace_usage(outcome.model, outcome.engine, selected)


def shadow_answer(
    model: ModelUsage | None, parse: type[ModelT], score: Callable[[ModelT], Scored]
) -> ShadowAnswer | None:
    """The shadow model's answer (recorded in ``model.shadow``) scored with ``score``;
    None when no shadow ran."""
    run = model.shadow if model is not None else None
    if run is None:
        return None
    if run.output is None:
        return ShadowAnswer(failure=run.failure or "the model gave no answer")
    try:
        answer = parse.model_validate(run.output)
    except ValidationError as error:
        return ShadowAnswer(failure=f"unreadable shadow answer: {error.errors()[0]['msg']}")
    output, scores = score(answer)
    return ShadowAnswer(output=output, scores=scores, agreement=run.agreement)
