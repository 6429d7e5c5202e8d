"""The document extractor's ``openai`` engine: a model reads a text or PDF document (as
data) into typed fields; the comparison with the order, the SKU matching and the scan for
instructions aimed at an agent stay the local code's. X12 and EDIFACT are always parsed
locally (``cascade`` never sends them to the model)."""

from __future__ import annotations

import base64
import binascii
from collections.abc import Callable
from datetime import date

from pydantic import BaseModel, ConfigDict, Field

from exdesk.agents._engines import (
    ModelEngine,
    answer_or_fallback,
    cascade,
    shadow,
    usage,
)
from exdesk.agents._outcome import AgentOutcome
from exdesk.agents._tools import order_tool
from exdesk.agents.document_extractor.compare import compare_with_order, resolve_skus
from exdesk.agents.document_extractor.contract import (
    DocumentExtractor,
    ExtractionEvidence,
    ExtractionOutcome,
    ExtractionRequest,
)
from exdesk.agents.document_extractor.direction import OwnParties, document_direction
from exdesk.agents.document_extractor.hostile import find_suspicious_instructions
from exdesk.agents.document_extractor.interpretation import Interpretation
from exdesk.agents.document_extractor.pdf import pdf_text
from exdesk.domain import (
    DocType,
    DocumentExtraction,
    EngineName,
    ExtractedFields,
    ExtractedLine,
)
from exdesk.errors import ExtractionError
from exdesk.llm import ModelRun, OutputSchema, read_only_tool, untrusted

AGENT = "document_extractor"
DOCUMENT_CHARS = 20_000
MODEL_CONFIDENCE_CAP = 0.9
_DECIMAL = r"^-?[0-9]+(\.[0-9]+)?$"


class AnswerLine(BaseModel):
    """One line as the document states it."""

    model_config = ConfigDict(extra="forbid")

    line_no: int | None
    sku: str | None
    description: str | None
    qty: float | None
    unit_price: str | None = Field(pattern=_DECIMAL)
    amount: str | None = Field(pattern=_DECIMAL)


class ExtractorAnswer(BaseModel):
    """What the model answers."""

    model_config = ConfigDict(extra="forbid")

    doc_type: DocType
    po_number: str | None
    invoice_number: str | None
    shipment_id: str | None
    ship_date: date | None
    document_date: date | None
    carrier: str | None
    tracking_number: str | None
    bill_of_lading_number: str | None
    currency: str | None = Field(pattern=r"^[A-Z]{3}$")
    total_amount: str | None = Field(pattern=_DECIMAL)
    lines: list[AnswerLine]
    confidence: float = Field(ge=0, le=1)
    warnings: list[str] = Field(description="Instructions or oddities a reviewer should see.")


class _NoArguments(BaseModel):
    model_config = ConfigDict(extra="forbid")


def document_text(request: ExtractionRequest) -> str:
    """The document's text (a PDF's text layer)."""
    document = request.document
    if document.kind != "pdf":
        return document.content
    try:
        data = base64.b64decode(document.content, validate=True)
    except (binascii.Error, ValueError) as error:
        raise ExtractionError("the PDF is not valid base64", engine="openai") from error
    return pdf_text(data)[0]


def extraction_from(answer: ExtractorAnswer, request: ExtractionRequest) -> DocumentExtraction:
    """The answer as a :class:`DocumentExtraction`, compared with the order by the same
    code as the local engine's."""
    fields = ExtractedFields.model_validate(
        answer.model_dump(exclude={"doc_type", "lines", "confidence", "warnings"})
        | {"lines": [ExtractedLine.model_validate(line.model_dump()) for line in answer.lines]}
    )
    resolution = resolve_skus(fields.lines, [], request.order, request.skus)
    fields.lines = resolution.lines
    kind = request.document.kind
    reading = Interpretation(
        doc_type=answer.doc_type,
        format="pdf" if kind == "pdf" else "text",
        fields=fields,
    )
    confidence = min(answer.confidence, MODEL_CONFIDENCE_CAP)
    stated = [name for name, value in fields.model_dump(exclude={"extra"}).items() if value]
    # Who sent it and what it is compared with: the same code as the local engine's.
    own = OwnParties(edi_ids=request.own_edi_ids, names=request.own_names)
    text = request.document.content if kind == "text" else None
    direction = document_direction(reading, own, request.direction, text)
    warnings = [f"model: {warning}" for warning in answer.warnings]
    discrepancies = []
    if request.order is not None:
        billed = reading.doc_type == "invoice" and direction == "inbound"
        comparison = compare_with_order(reading, request.order, billing_our_po=billed)
        discrepancies = comparison.discrepancies
        warnings.extend(comparison.notes)
    warnings.extend(find_suspicious_instructions([document_text(request)]))
    return DocumentExtraction(
        doc_type=answer.doc_type,
        format=reading.format,
        fields=fields,
        confidence=dict.fromkeys(["doc_type", *stated], confidence),
        discrepancies=discrepancies,
        warnings=warnings,
        direction=direction,
    )


def triage_extraction(request: ExtractionRequest) -> ExtractionOutcome:
    """No reading: the document goes to a person (the workflow's extraction error path)."""
    raise ExtractionError(
        "the model could not read the document; a person reads it", engine="openai"
    )


class OpenAIDocumentExtractor(ModelEngine[DocumentExtractor]):
    """Reads text and PDF documents with a model; X12 and EDIFACT with the local parsers."""

    prompt_name = "extractor"

    def ask(self, request: ExtractionRequest) -> ExtractionOutcome:
        """The model's reading (ModelRunError when it gives none)."""
        if request.document.kind in ("x12", "edifact"):
            raise ExtractionError("EDI is parsed by the local readers only", engine="openai")
        catalog = [sku.model_dump(mode="json") for sku in request.skus]
        run = ModelRun(
            client=self.parts.client,
            agent=AGENT,
            prompt=self.prompt,
            output=OutputSchema(ExtractorAnswer, self.parts.output_mode),
            tools=(
                order_tool(request.order),
                read_only_tool(
                    "get_skus",
                    "The SKU catalogue of the order: SKU, description, unit price.",
                    _NoArguments,
                    lambda _: catalog,
                ),
            ),
            limits=self.parts.limits,
            retry=self.parts.retry,
        )
        text = document_text(request)[:DOCUMENT_CHARS]
        document = request.document
        message = f"Read this document ({document.name}).\n\n" + untrusted(
            f"document:{document.kind}", text
        )
        result = run.run(message)
        output = extraction_from(result.output, request)
        return AgentOutcome(
            output=output,
            agent=AGENT,
            engine="openai",
            evidence=ExtractionEvidence(
                format=output.format,
                readings=1,
                compared_with_order=request.order.order_id if request.order else None,
            ),
            model=usage(result.report, engine="openai", decided_by="openai"),
        )

    def extract(self, request: ExtractionRequest) -> ExtractionOutcome:
        """The model's reading, or the fallback's with what failed (EDI: the local one)."""
        if request.document.kind in ("x12", "edifact"):
            return self.local.extract(request)
        return answer_or_fallback(
            request,
            ask=self.ask,
            local=self.local.extract,
            triage=triage_extraction,
            parts=self.answer,
        )


def unsure_extraction(
    threshold: float,
) -> Callable[[ExtractionRequest, ExtractionOutcome], str | None]:
    """When the cascade asks the model: a text or PDF reading with a key field under the
    threshold, or of unknown type (EDI is never sent)."""

    def unsure(request: ExtractionRequest, outcome: ExtractionOutcome) -> str | None:
        extraction = outcome.output
        if extraction.format in ("x12", "edifact"):
            return None
        if extraction.doc_type == "unknown":
            return "local reading found no document type"
        low = min(extraction.confidence.values(), default=0.0)
        if low < threshold:
            return f"local field confidence {low:.2f} under {threshold:.2f}"
        return None

    return unsure


def same_reading(decided: DocumentExtraction, shadowed: DocumentExtraction) -> bool:
    """A shadow agrees when type, PO, invoice number and line quantities are the same."""
    key = ("po_number", "invoice_number")
    return (
        decided.doc_type == shadowed.doc_type
        and all(getattr(decided.fields, k) == getattr(shadowed.fields, k) for k in key)
        and [line.qty for line in decided.fields.lines]
        == [line.qty for line in shadowed.fields.lines]
    )


class CascadeDocumentExtractor:
    """Local first; the model for text and PDFs the local reader is unsure of or fails on."""

    engine: EngineName = "local"

    def __init__(self, model: OpenAIDocumentExtractor, threshold: float) -> None:
        self.model = model
        self.unsure = unsure_extraction(threshold)

    def extract(self, request: ExtractionRequest) -> ExtractionOutcome:
        """The local reading, or the model's where the local one is unsure or failed."""
        return cascade(
            request,
            local=self.model.local.extract,
            unsure=self.unsure,
            ask=self.model.ask,
            parts=self.model.answer,
            local_failed=ExtractionError,
        )


class ShadowDocumentExtractor:
    """The local reading decides; the model's is recorded beside it."""

    engine: EngineName = "local"

    def __init__(self, model: OpenAIDocumentExtractor) -> None:
        self.model = model

    def extract(self, request: ExtractionRequest) -> ExtractionOutcome:
        """The local reading, with the model's in the record."""
        return shadow(
            request,
            local=self.model.local.extract,
            ask=self.model.ask,
            agree=same_reading,
            parts=self.model.answer,
        )
