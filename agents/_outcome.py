"""What every agent engine returns: a validated proposal and how it was produced."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Generic, TypeVar

from pydantic import BaseModel

from exdesk.domain import EngineName, ModelUsage

OutputT = TypeVar("OutputT", bound=BaseModel)
EvidenceT = TypeVar("EvidenceT", bound=BaseModel)


@dataclass(frozen=True)
class AgentOutcome(Generic[OutputT, EvidenceT]):
    """A proposal plus the facts the decision log needs about how it was made."""

    output: OutputT
    """The validated proposal (a pydantic model of CONTRACT §3)."""
    agent: str
    """The agent's name, e.g. ``classifier``."""
    engine: EngineName
    """Which engine produced it."""
    evidence: EvidenceT
    """What the proposal rests on beyond its input (each agent's contract says what)."""
    model: ModelUsage | None = None
    """Set when a language model was called."""

    @property
    def actor(self) -> str:
        """The decision-log actor, ``agent:<name>@<engine>``."""
        return f"agent:{self.agent}@{self.engine}"
