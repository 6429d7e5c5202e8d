"""The customer drafter's input and engine interface (CONTRACT §3)."""

from __future__ import annotations

from typing import Protocol

from pydantic import Field

from exdesk.agents._outcome import AgentOutcome
from exdesk.domain import Category, ContractModel, CustomerDraft, CustomerTier, EngineName


class DraftRequest(ContractModel):
    """The case's category and the facts the workflow approved for the customer's eyes.

    ``facts`` is the whole truth the draft may state: names such as ``order_id``,
    ``items``, ``new_eta``, ``carrier``, ``tracking_number``, ``next_step``, ``rma_id``.
    Nothing else — no cost, no other customer, no internal system name — is given.
    """

    case_id: str
    category: Category
    tier: CustomerTier = "standard"
    locale: str = "en-US"
    recipient_name: str | None = None
    customer_name: str | None = None
    facts: dict[str, str] = Field(default_factory=dict)


class CustomerDrafter(Protocol):
    """Writes an e-mail for a CS rep to review; it sends nothing."""

    @property
    def engine(self) -> EngineName:
        """Which implementation this is (``local`` or ``openai``)."""
        ...

    def draft(self, request: DraftRequest) -> AgentOutcome[CustomerDraft]:
        """Draft a message stating only the given facts."""
        ...
