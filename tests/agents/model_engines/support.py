"""Helpers of the model-engine tests: engines on a respx-answered OpenAI client, stand-in
local engines whose answers a test chooses, and the sent bodies read back."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

import respx

from exdesk.agents._engines import ModelParts
from exdesk.agents._outcome import AgentOutcome
from exdesk.agents.classifier.contract import (
    ClassificationRequest,
    ClassifierEvidence,
    ClassifierOutcome,
)
from exdesk.domain import ClassificationProposal, EngineName, FallbackChoice
from exdesk.llm import OpenAIChatModel, RetryPolicy, RunLimits
from tests.llm.support import MODEL, openai_client


def model_parts(
    router: respx.Router,
    *,
    fallback: FallbackChoice = "local",
    limits: RunLimits | None = None,
    waits: list[float] | None = None,
) -> ModelParts:
    """An agent's model parts on ``router``; waits between retries are recorded, not slept."""
    recorded = waits if waits is not None else []
    return ModelParts(
        client=OpenAIChatModel(openai_client(router), MODEL),
        limits=limits or RunLimits(),
        retry=RetryPolicy(max_retries=2, backoff_seconds=0.5, sleep=recorded.append),
        fallback=fallback,
    )


@dataclass
class FixedClassifier:
    """A local classifier that answers ``proposal`` and counts its calls."""

    proposal: ClassificationProposal
    calls: int = 0
    engine: EngineName = "local"
    requests: list[ClassificationRequest] = field(default_factory=list)

    def classify(self, request: ClassificationRequest) -> ClassifierOutcome:
        self.calls += 1
        self.requests.append(request)
        return AgentOutcome(
            output=self.proposal,
            agent="classifier",
            engine="local",
            evidence=ClassifierEvidence(terms=["late"]),
        )


def bodies(route: respx.Route) -> list[dict[str, Any]]:
    """Every JSON body sent on ``route``."""
    return [json.loads(call.request.content) for call in route.calls]


def user_text(body: dict[str, Any]) -> str:
    """The first user message of a sent body."""
    return str(next(m["content"] for m in body["messages"] if m["role"] == "user"))
