"""The classifier's input and engine interface (CONTRACT §3)."""

from __future__ import annotations

from typing import Protocol

from exdesk.agents._outcome import AgentOutcome
from exdesk.domain import ClassificationProposal, ContractModel, EngineName, ExceptionEvent
from exdesk.domain.context import CaseContext


class ClassificationRequest(ContractModel):
    """An event and what the enrich step looked up about it."""

    event: ExceptionEvent
    context: CaseContext = CaseContext()


class Classifier(Protocol):
    """Assigns one category of the closed taxonomy, with a calibrated confidence."""

    @property
    def engine(self) -> EngineName:
        """Which implementation this is (``local`` or ``openai``)."""
        ...

    def classify(self, request: ClassificationRequest) -> AgentOutcome[ClassificationProposal]:
        """Propose a category for the event."""
        ...
