"""What a format reader hands the engine before comparison with the order."""

from __future__ import annotations

from dataclasses import dataclass, field

from exdesk.domain import Discrepancy, DocType, DocumentFormat, ExtractedFields


@dataclass
class Interpretation:
    """One document's reading: its fields plus the facts the engine needs to finish the job."""

    doc_type: DocType
    format: DocumentFormat
    fields: ExtractedFields
    confidence: dict[str, float] = field(default_factory=dict)
    warnings: list[str] = field(default_factory=list)
    discrepancies: list[Discrepancy] = field(default_factory=list)
    """Disagreements the document shows on its own (a total that does not add up)."""
    self_reported: list[Discrepancy] = field(default_factory=list)
    """Disagreements with the PO as the document itself restates it (855 ACK, 856 SN105);
    replaced by the comparison with the order when the order is known."""
    line_ids: list[list[str]] = field(default_factory=list)
    """Every identifier seen on each line (vendor, buyer, GTIN…), parallel to ``fields.lines``."""
    line_po_numbers: list[str | None] = field(default_factory=list)
    """The PO each line belongs to when a document covers several (856 order levels)."""
    transaction_set: str | None = None
    free_text: list[str] = field(default_factory=list)
    """Text a person wrote into the document, scanned for instructions aimed at an agent."""
