"""The ``local`` document extractor: deterministic parsing, no network, no language model.

X12 and EDIFACT files are read envelope by envelope; text documents (and the text layer of
PDFs) by labels and line tables. The
result is compared with the order when one is given. Document text is only ever data:
instructions found in it are reported as warnings and never acted on.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from exdesk.agents._outcome import AgentOutcome
from exdesk.agents.document_extractor.compare import (
    compare_with_order,
    matching_po_number,
    resolve_skus,
)
from exdesk.agents.document_extractor.contract import (
    ExtractionEvidence,
    ExtractionOutcome,
    ExtractionRequest,
)
from exdesk.agents.document_extractor.decoding import normalize_text
from exdesk.agents.document_extractor.direction import (
    OwnParties,
    document_direction,
    is_acknowledgment,
    opposite,
)
from exdesk.agents.document_extractor.edifact import looks_like_edifact, read_edifact
from exdesk.agents.document_extractor.hostile import find_suspicious_instructions
from exdesk.agents.document_extractor.interpretation import Interpretation
from exdesk.agents.document_extractor.pdf import read_pdf
from exdesk.agents.document_extractor.text import read_text
from exdesk.agents.document_extractor.x12 import looks_like_x12, read_x12
from exdesk.domain import Document, DocumentExtraction, EngineName, Order, OtherTransaction
from exdesk.domain.events import BINARY_DOCUMENT_KINDS
from exdesk.errors import ExtractionError

ResultT = TypeVar("ResultT")

AGENT_NAME = "document_extractor"
_ENVELOPE_CONFIDENCE_CAP = 0.9
_RESOLVED_SKU_CONFIDENCE = 0.8


def read_document(document: Document) -> list[Interpretation]:
    """Every reading a document yields: one per X12 transaction set or EDIFACT message, or
    one for a text or a PDF.

    The content decides how it is read: an X12 interchange sent as ``edifact`` (or the
    reverse) is read for what it is, with a warning. Raises ExtractionError when the
    document cannot be read.
    """
    if document.kind in BINARY_DOCUMENT_KINDS:
        try:
            data = document.file_bytes()
        except ValueError as error:
            raise ExtractionError(str(error), document=document.name) from error
        return [read_pdf(data)]
    content = normalize_text(document.content)
    if looks_like_x12(content):
        readings = read_x12(content)
    elif looks_like_edifact(content):
        readings = read_edifact(content)
    elif document.kind == "x12":
        raise ExtractionError(
            "not an X12 interchange: the document is marked x12 but does not start with an "
            "ISA segment",
            document=document.name,
        )
    elif document.kind == "edifact":
        raise ExtractionError(
            "not an EDIFACT interchange: the document is marked edifact but does not start "
            "with a UNA or UNB segment",
            document=document.name,
        )
    else:
        return [read_text(content)]
    found = readings[0].format if readings else document.kind
    if document.kind in ("x12", "edifact") and document.kind != found:
        for reading in readings:
            reading.warnings.append(f"the document was sent as {document.kind} but is {found}")
    return readings


class LocalDocumentExtractor:
    """Reads X12 850/855/856/810/997/999, EDIFACT ORDERS/ORDRSP/DESADV/INVOIC/CONTRL/APERAK,
    and text or PDF invoices, packing slips, ASNs and BOLs."""

    engine: EngineName = "local"

    def extract(self, request: ExtractionRequest) -> ExtractionOutcome:
        """Extract the document's fields and compare them with the order when it is given."""
        return _guarded(request, lambda: self._finish(request, read_document(request.document)))

    def extract_all(self, request: ExtractionRequest) -> list[DocumentExtraction]:
        """One extraction per transaction set of an X12 file (one for a text document)."""

        def run() -> list[DocumentExtraction]:
            readings = read_document(request.document)
            return [self._build(request, reading, readings)[0] for reading in readings]

        return _guarded(request, run)

    def _finish(
        self, request: ExtractionRequest, readings: list[Interpretation]
    ) -> ExtractionOutcome:
        primary = choose_primary(readings, request.order)
        output, evidence = self._build(request, primary, readings)
        if len(readings) > 1:
            others = [r for r in readings if r is not primary]
            output.fields.extra.other_transactions = [_summary(r) for r in others]
            unit = "messages" if primary.format == "edifact" else "transaction sets"
            output.warnings.append(
                f"the file holds {len(readings)} {unit}; this extraction is the "
                f"{primary.transaction_set} with control number {_control_number(primary)}; "
                "the others are summarised in fields.extra['other_transactions']"
            )
        return AgentOutcome(output=output, agent=AGENT_NAME, engine=self.engine, evidence=evidence)

    def _build(
        self,
        request: ExtractionRequest,
        reading: Interpretation,
        readings: list[Interpretation],
    ) -> tuple[DocumentExtraction, ExtractionEvidence]:
        fields = reading.fields.model_copy(deep=True)
        confidence = dict(reading.confidence)
        resolution = resolve_skus(fields.lines, reading.line_ids, request.order, request.skus)
        fields.lines = resolution.lines
        if resolution.notes:
            fields.extra.sku_resolutions = resolution.notes
            if any(note.by == "description" for note in resolution.notes):
                confidence["lines"] = min(confidence.get("lines", 1.0), _RESOLVED_SKU_CONFIDENCE)
        discrepancies = list(reading.discrepancies)
        own = OwnParties(edi_ids=request.own_edi_ids, names=request.own_names)
        text = request.document.content if request.document.kind == "text" else None
        direction = document_direction(reading, own, request.direction, text)
        warnings = list(reading.warnings)
        if request.order is not None:
            resolved = Interpretation(
                doc_type=reading.doc_type,
                format=reading.format,
                fields=fields,
                line_po_numbers=reading.line_po_numbers,
            )
            billed = reading.doc_type == "invoice" and direction == "inbound"
            comparison = compare_with_order(resolved, request.order, billing_our_po=billed)
            discrepancies.extend(comparison.discrepancies)
            warnings.extend(comparison.notes)
        else:
            discrepancies.extend(reading.self_reported)
        texts = [text for r in readings for text in r.free_text]
        warnings.extend(find_suspicious_instructions(texts))
        if reading.format in ("x12", "edifact"):
            confidence.setdefault("doc_type", 0.99)
            if any(_is_envelope_warning(w) for w in reading.warnings):
                confidence = {k: min(v, _ENVELOPE_CONFIDENCE_CAP) for k, v in confidence.items()}
        output = DocumentExtraction(
            doc_type=reading.doc_type,
            format=reading.format,
            x12_transaction_set=reading.transaction_set,
            fields=fields,
            confidence={k: max(0.0, min(1.0, v)) for k, v in confidence.items()},
            discrepancies=discrepancies,
            warnings=warnings,
            direction=direction,
            acknowledged_direction=opposite(direction) if is_acknowledgment(reading) else None,
        )
        evidence = ExtractionEvidence(
            format=reading.format,
            readings=len(readings),
            compared_with_order=request.order.order_id if request.order else None,
            sku_resolutions=list(resolution.notes),
        )
        return output, evidence


def _guarded(request: ExtractionRequest, run: Callable[[], ResultT]) -> ResultT:
    """Run an extraction; whatever goes wrong on a document becomes an ExtractionError."""
    try:
        return run()
    except ExtractionError as error:
        if error.document is None:
            error.document = request.document.name
        raise
    except Exception as error:  # a hostile document must never crash the case
        raise ExtractionError(
            f"the document could not be read ({type(error).__name__}: {error})",
            document=request.document.name,
        ) from error


def choose_primary(readings: list[Interpretation], order: Order | None) -> Interpretation:
    """The reading to report: the one about the order when known, else the first business
    document (a transaction set we interpret) in file order."""
    candidates = [r for r in readings if r.doc_type != "unknown"] or readings
    if order is not None:
        for reading in candidates:
            if matching_po_number(reading.fields, order.order_id) is not None:
                return reading
    return candidates[0]


def _control_number(reading: Interpretation) -> str | None:
    """ST02 of an X12 transaction set, UNH 0062 of an EDIFACT message."""
    details = reading.fields.extra
    if details.x12_envelope is not None:
        return details.x12_envelope.transaction_set_control_number
    if details.edifact_envelope is not None:
        return details.edifact_envelope.message_reference
    return None


def _summary(reading: Interpretation) -> OtherTransaction:
    fields = reading.fields
    return OtherTransaction(
        transaction_set=reading.transaction_set or None,
        control_number=_control_number(reading) or None,
        doc_type=reading.doc_type,
        po_number=fields.po_number or None,
        invoice_number=fields.invoice_number or None,
        shipment_id=fields.shipment_id or None,
        ack_status=fields.ack_status,
        lines=len(fields.lines),
    )


def _is_envelope_warning(warning: str) -> bool:
    markers = (
        "control number mismatch",
        "reference mismatch",
        "UNT declares",
        "UNZ declares",
        "UNE declares",
        "has no UNT",
        "has no UNZ",
        "SE01 declares",
        "GE01 declares",
        "IEA01 declares",
        "has no SE",
        "has no GE",
        "has no IEA",
    )
    return any(marker in warning for marker in markers)
