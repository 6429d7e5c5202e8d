"""The customer drafter's input and engine interface (CONTRACT §3)."""

from __future__ import annotations

from typing import Protocol

from pydantic import Field

from exdesk.agents._outcome import AgentOutcome
from exdesk.domain import ContractModel, CustomerDraft, DraftRequest, EngineName


class DraftEvidence(ContractModel):
    """How a draft was written."""

    template: str
    """The template used: ``<language>/<purpose>/<tier>``."""
    locale_requested: str
    locale: str
    """The locale written in (the requested one, or the nearest the templates have)."""
    facts_not_stated: list[str] = Field(default_factory=list)
    facts_set_aside: dict[str, str] = Field(
        default_factory=dict, description="Facts left out, and why (empty, not a date…)."
    )


DraftOutcome = AgentOutcome[CustomerDraft, DraftEvidence]
"""What the engine returns."""


class CustomerDrafter(Protocol):
    """Writes an e-mail for a CS rep to review; it sends nothing."""

    @property
    def engine(self) -> EngineName:
        """Which implementation this is (``local`` or ``openai``)."""
        ...

    def draft(self, request: DraftRequest) -> DraftOutcome:
        """Draft a message stating only the given facts."""
        ...
