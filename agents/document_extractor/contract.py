"""The document extractor's input and engine interface (CONTRACT §3)."""

from __future__ import annotations

from typing import Protocol

from pydantic import Field

from exdesk.agents._outcome import AgentOutcome
from exdesk.domain import ContractModel, Document, DocumentExtraction, EngineName, Order, Sku


class ExtractionRequest(ContractModel):
    """A document, and the PO/order it should agree with when one is known."""

    document: Document
    order: Order | None = None
    skus: list[Sku] = Field(default_factory=list)


class DocumentExtractor(Protocol):
    """Reads X12 850/855/856/810/997/999 and text invoices, packing slips, ASNs and BOLs.

    Raises :class:`exdesk.errors.ExtractionError` when the document cannot be read.
    """

    @property
    def engine(self) -> EngineName:
        """Which implementation this is (``local`` or ``openai``)."""
        ...

    def extract(self, request: ExtractionRequest) -> AgentOutcome[DocumentExtraction]:
        """Extract the document's fields and compare them with the order."""
        ...
