"""The classifier's input and engine interface (CONTRACT §3)."""

from __future__ import annotations

from typing import Protocol

from pydantic import Field

from exdesk.agents._outcome import AgentOutcome
from exdesk.domain import ClassificationProposal, ContractModel, EngineName, ExceptionEvent
from exdesk.domain.context import CaseContext


class ClassificationRequest(ContractModel):
    """An event and what the enrich step looked up about it."""

    event: ExceptionEvent
    context: CaseContext = CaseContext()


class ClassifierEvidence(ContractModel):
    """What a classification rests on."""

    terms: list[str] = Field(default_factory=list)
    """The words of the event that weighed most for the category (named to the reviewer)."""


ClassifierOutcome = AgentOutcome[ClassificationProposal, ClassifierEvidence]
"""What the engine returns."""


class Classifier(Protocol):
    """Assigns one category of the closed taxonomy, with a calibrated confidence."""

    @property
    def engine(self) -> EngineName:
        """Which implementation this is (``local`` or ``openai``)."""
        ...

    def classify(self, request: ClassificationRequest) -> ClassifierOutcome:
        """Propose a category for the event."""
        ...
