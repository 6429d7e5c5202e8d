"""Extraction samples: a document, the order it answers (optional) and its labelled reading.

One JSON object per line::

    {"id": "...",
     "document": {"kind": "x12"|"edifact"|"text"|"pdf", "name": "...", "content": "..."}
              or {"kind": ..., "name": ..., "path": "<relative to this file>" | "$SHARED/<path>"},
     "order": <Order JSON> | null,
     "expected": {"doc_type": "...",
                  "fields": {"<ExtractedFields field>": value, ...},
                  "lines": [{"sku"?, "buyer_sku"?, "description"?, "qty"?, "unit_price"?,
                             "amount"?}, ...],
                  "discrepancies": [{"kind", "line_no"?, "sku"?}, ...]},
     "metadata": {"language"?, "layout"?, "origin", "provenance", "licence"}}

Only labelled fields are scored: a field left out is not labelled, a field given as ``null``
is labelled *absent* (reading a value there is a false alarm). ``lines`` and
``discrepancies`` left out are not labelled; ``[]`` labels "none". PDF content is base64.
``$SHARED`` is the shared datasets folder (``EXDESK_SHARED_DATASETS`` or ../shared/datasets).
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from exdesk.domain import DiscrepancyKind, DocType, Document, ExtractedFields, Order
from exdesk.errors import InputError
from exdesk.evals.formats._jsonl import read_jsonl
from exdesk.evals.shared_data import shared_datasets_dir
from exdesk.validation import describe

SampleDocumentKind = Literal["x12", "edifact", "text", "pdf"]

SCORED_FIELDS: tuple[str, ...] = tuple(
    name for name in ExtractedFields.model_fields if name not in ("lines", "extra", "ack_errors")
)
"""The ``ExtractedFields`` a sample may label (the scalar ones)."""

LINE_FIELDS: tuple[str, ...] = (
    "sku",
    "buyer_sku",
    "description",
    "qty",
    "unit_price",
    "amount",
    "uom",
    "gtin",
)
"""What a labelled line may hold (``uom`` and ``gtin`` beyond the shared format's six)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class SampleDocument(_Strict):
    """The document, inline or by path."""

    kind: SampleDocumentKind
    name: str = Field(min_length=1)
    content: str | None = None
    path: str | None = None

    @model_validator(mode="after")
    def _one_source(self) -> SampleDocument:
        if (self.content is None) == (self.path is None):
            raise ValueError("a document needs exactly one of content and path")
        return self


class ExpectedDiscrepancy(_Strict):
    """A discrepancy the extractor should report."""

    kind: DiscrepancyKind
    line_no: int | None = None
    sku: str | None = None


class Expected(_Strict):
    """The labelled reading of a document."""

    doc_type: DocType
    fields: dict[str, Any] = Field(default_factory=dict)
    lines: list[dict[str, Any]] | None = None
    discrepancies: list[ExpectedDiscrepancy] | None = None

    @field_validator("fields")
    @classmethod
    def _known_fields(cls, value: dict[str, Any]) -> dict[str, Any]:
        unknown = sorted(set(value) - set(SCORED_FIELDS))
        if unknown:
            raise ValueError(f"unknown field {unknown[0]!r} (fields: {', '.join(SCORED_FIELDS)})")
        return value

    @field_validator("lines")
    @classmethod
    def _known_line_fields(cls, value: list[dict[str, Any]] | None) -> list[dict[str, Any]] | None:
        for line in value or []:
            unknown = sorted(set(line) - {*LINE_FIELDS, "line_no"})
            if unknown:
                raise ValueError(f"unknown line field {unknown[0]!r}")
        return value


class ExtractionSample(_Strict):
    """One labelled document."""

    id: str = Field(min_length=1)
    document: SampleDocument
    order: Order | None = None
    expected: Expected
    metadata: dict[str, str] = Field(default_factory=dict)


def load_extraction(path: Path) -> list[tuple[ExtractionSample, Path]]:
    """Every sample of a JSONL file or folder, with the file it came from."""
    samples = []
    for file, number, obj in read_jsonl(path):
        try:
            samples.append((ExtractionSample.model_validate(obj), file))
        except ValidationError as error:
            raise InputError(f"{file}:{number}: {describe(error)}") from error
    return samples


def document_text(sample: ExtractionSample, base: Path) -> str | None:
    """The document's text (a path is read relative to ``base``, the dataset file's folder);
    None when the file is absent (``$SHARED`` not here). PDF stays base64."""
    document = sample.document
    if document.content is not None:
        return document.content
    assert document.path is not None
    if document.path.startswith("$SHARED/"):
        root = shared_datasets_dir()
        if root is None:
            return None
        file = root / document.path.removeprefix("$SHARED/")
    else:
        file = base / document.path
    if not file.is_file():
        return None
    if document.kind == "pdf":
        return base64.b64encode(file.read_bytes()).decode("ascii")
    return file.read_text(encoding="latin-1")


def as_document(sample: ExtractionSample, text: str) -> Document | str:
    """The domain document, or why this release cannot read it."""
    kind = sample.document.kind
    if kind not in ("x12", "text"):
        if kind == "pdf":
            try:
                base64.b64decode(text, validate=True)
            except binascii.Error:
                return "pdf content is not base64"
        return f"document kind {kind} is not read by this release"
    try:
        return Document(kind=kind, name=sample.document.name, content=text)
    except ValidationError as error:
        return f"not a valid document: {describe(error)}"
