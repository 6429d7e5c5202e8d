"""The document extractor's input and engine interface (CONTRACT §3)."""

from __future__ import annotations

from typing import Protocol

from pydantic import Field

from exdesk.agents._outcome import AgentOutcome
from exdesk.domain import (
    ContractModel,
    Document,
    DocumentDirection,
    DocumentExtraction,
    EngineName,
    Order,
    ResolvedSku,
    Sku,
)


class ExtractionRequest(ContractModel):
    """A document, and the PO/order it should agree with when one is known."""

    document: Document
    order: Order | None = None
    skus: list[Sku] = Field(default_factory=list)
    direction: DocumentDirection | None = None
    """Who sent the document, when the input says so (it wins over what the document shows)."""
    own_edi_ids: list[str] = Field(default_factory=list)
    """Our own X12/EDIFACT interchange and group ids: a document from one is ours."""
    own_names: list[str] = Field(default_factory=list)
    """The names our own documents are headed with (a text invoice or packing slip)."""


class ExtractionEvidence(ContractModel):
    """How a document was read."""

    format: str = ""
    readings: int = 0
    """How many transactions or documents the content held."""
    compared_with_order: str | None = None
    sku_resolutions: list[ResolvedSku] = Field(
        default_factory=list, description="How the document's item codes were matched to SKUs."
    )


ExtractionOutcome = AgentOutcome[DocumentExtraction, ExtractionEvidence]
"""What the engine returns."""


class DocumentExtractor(Protocol):
    """Reads X12 850/855/856/810/997/999, EDIFACT ORDERS/ORDRSP/DESADV/INVOIC/CONTRL/APERAK,
    and text or PDF invoices, packing slips, ASNs and BOLs.

    Raises :class:`exdesk.errors.ExtractionError` when the document cannot be read.
    """

    @property
    def engine(self) -> EngineName:
        """Which implementation this is (``local`` or ``openai``)."""
        ...

    def extract(self, request: ExtractionRequest) -> ExtractionOutcome:
        """Extract the document's fields and compare them with the order."""
        ...
