"""The customer drafter's input and engine interface (CONTRACT §3)."""

from __future__ import annotations

from typing import Protocol

from exdesk.agents._outcome import AgentOutcome
from exdesk.domain import CustomerDraft, DraftRequest, EngineName


class CustomerDrafter(Protocol):
    """Writes an e-mail for a CS rep to review; it sends nothing."""

    @property
    def engine(self) -> EngineName:
        """Which implementation this is (``local`` or ``openai``)."""
        ...

    def draft(self, request: DraftRequest) -> AgentOutcome[CustomerDraft]:
        """Draft a message stating only the given facts."""
        ...
