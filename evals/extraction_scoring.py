"""Field-by-field precision, recall and F1 of document extractions, and the JSONL format of
labelled extraction samples (``evals/datasets/extractor/<set>/*.jsonl``).

A labelled value the extraction gets right is a true positive; one it leaves empty is a
false negative; one it gets wrong counts as both a false positive (a wrong value reported)
and a false negative (the right value missed). Line items are first matched to the
labelled lines (most agreeing values first); the values of matched lines are scored like
fields (``line.qty``, ``line.sku``…), and every value an unmatched extracted line reports
for a labelled attribute is a false positive. A line item is right when it is matched and
all its labelled values agree: that gives the line-item F1.
"""

from __future__ import annotations

import base64
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from exdesk.agents.document_extractor.compare import normalize_id
from exdesk.agents.document_extractor.decoding import decode_bytes
from exdesk.domain import DocType, Document, DocumentExtraction, DocumentKind, ExtractedLine, Order

SHARED_PREFIX = "$SHARED/"
REVIEW_BAR = 0.80
"""``policies/default.yaml`` ``document.min_field_confidence``."""
KEY_FIELDS = ("po_number",)
"""The key header fields the review bar guards (``lines`` is the other one)."""
"""A sample path that starts with this is relative to the shared datasets folder."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", use_attribute_docstrings=True)


class DocumentRef(_Strict):
    """The document of a sample: its content inline, or a path to the file."""

    kind: DocumentKind
    name: str
    content: str | None = None
    """The text, or base64 for a ``pdf``."""
    path: str | None = None
    """Relative to the dataset file, or ``$SHARED/<path>`` in the shared datasets."""


class ExpectedFields(_Strict):
    """The labelled header fields; a field left out is not labelled (not scored)."""

    po_number: str | None = None
    invoice_number: str | None = None
    shipment_id: str | None = None
    ship_date: date | None = None
    document_date: date | None = None
    carrier: str | None = None
    tracking_number: str | None = None
    bill_of_lading_number: str | None = None
    ship_to_name: str | None = None
    currency: str | None = None
    total_amount: Decimal | None = None
    total_qty: float | None = None
    ack_status: str | None = None


class ExpectedLine(_Strict):
    """One labelled line item; only the attributes given are scored."""

    sku: str | None = None
    buyer_sku: str | None = None
    description: str | None = None
    qty: float | None = None
    uom: str | None = None
    unit_price: Decimal | None = None
    amount: Decimal | None = None
    gtin: str | None = None
    """The line's GTIN among its identifiers (X12 ``UP``/``EN``…, EDIFACT ``EN``)."""


class ExpectedDiscrepancy(_Strict):
    """A discrepancy the extraction should report."""

    kind: str
    line_no: int | None = None
    sku: str | None = None


class ExpectedExtraction(_Strict):
    """What a sample's document should yield."""

    doc_type: DocType | None = None
    fields: ExpectedFields = Field(default_factory=ExpectedFields)
    lines: list[ExpectedLine] | None = None
    """None when the lines are not labelled; ``[]`` when the document has none."""
    discrepancies: list[ExpectedDiscrepancy] | None = None


class SampleMetadata(BaseModel):
    """Where a sample comes from (other keys are kept as they are)."""

    model_config = ConfigDict(extra="allow")

    language: str | None = None
    layout: str | None = None
    origin: str = ""
    provenance: str = ""
    licence: str = ""


class ExtractionSample(_Strict):
    """One labelled document."""

    id: str
    document: DocumentRef
    order: Order | None = None
    expected: ExpectedExtraction
    metadata: SampleMetadata = Field(default_factory=SampleMetadata)


def load_samples(path: Path) -> list[ExtractionSample]:
    """The samples of a JSONL file."""
    lines = path.read_text(encoding="utf-8").splitlines()
    return [ExtractionSample.model_validate_json(line) for line in lines if line.strip()]


def sample_document(
    sample: ExtractionSample, dataset_file: Path, shared_root: Path | None
) -> Document | None:
    """The sample's document, read from its path when it has one (None when the file is
    absent, as the shared datasets may be)."""
    ref = sample.document
    content = ref.content
    if ref.path is not None:
        if ref.path.startswith(SHARED_PREFIX):
            if shared_root is None:
                return None
            file = shared_root / ref.path.removeprefix(SHARED_PREFIX)
        else:
            file = dataset_file.parent / ref.path
        if not file.is_file():
            return None
        data = file.read_bytes()
        if ref.kind == "pdf":
            content = base64.b64encode(data).decode("ascii")
        else:
            content = decode_bytes(data)
    if content is None:
        return None
    return Document(kind=ref.kind, name=ref.name, content=content)


# --- counting -----------------------------------------------------------------------------


@dataclass
class Counts:
    """True positives, false positives and false negatives."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    def add(self, other: Counts) -> None:
        """Add another tally to this one."""
        self.tp += other.tp
        self.fp += other.fp
        self.fn += other.fn

    @property
    def precision(self) -> float:
        """tp / (tp + fp); 1 when nothing was reported."""
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else 1.0

    @property
    def recall(self) -> float:
        """tp / (tp + fn); 1 when nothing was labelled."""
        return self.tp / (self.tp + self.fn) if self.tp + self.fn else 1.0

    @property
    def f1(self) -> float:
        """2tp / (2tp + fp + fn)."""
        denominator = 2 * self.tp + self.fp + self.fn
        return 2 * self.tp / denominator if denominator else 1.0


@dataclass
class SetScore:
    """The counts of a set of samples: per field, and per line item."""

    fields: dict[str, Counts] = field(default_factory=lambda: defaultdict(Counts))
    line_items: Counts = field(default_factory=Counts)
    documents: int = 0
    unread: list[str] = field(default_factory=list)
    confident_errors: int = 0
    """Documents whose wrong key field, or whose lines with a wrong or missing SKU, quantity,
    price or amount, were reported at or above :data:`REVIEW_BAR`: what would be recorded
    without review."""

    def micro(self) -> Counts:
        """Every field's counts added up (line values included)."""
        total = Counts()
        for counts in self.fields.values():
            total.add(counts)
        return total


def same_value(expected: Any, actual: Any) -> bool:
    """Whether an extracted value equals the labelled one (amounts to the cent, quantities
    exactly, identifiers after normalisation, text case-insensitively)."""
    if actual is None:
        return expected is None
    if isinstance(expected, Decimal) or isinstance(actual, Decimal):
        try:
            return abs(Decimal(str(expected)) - Decimal(str(actual))) <= Decimal("0.01")
        except (InvalidOperation, TypeError):
            return False
    if isinstance(expected, float) or isinstance(actual, float):
        try:
            return abs(float(expected) - float(actual)) < 1e-6
        except (TypeError, ValueError):
            return False
    if isinstance(expected, str) and isinstance(actual, str):
        return normalize_id(expected) == normalize_id(actual) or (
            " ".join(expected.split()).lower() == " ".join(actual.split()).lower()
        )
    return bool(expected == actual)


def _tally(counts: Counts, expected: Any, actual: Any) -> bool:
    if actual is None or actual == "unknown":
        counts.fn += 1
        return False
    if same_value(expected, actual):
        counts.tp += 1
        return True
    counts.fp += 1
    counts.fn += 1
    return False


def _line_value(line: ExtractedLine, ids: dict[str, str], name: str) -> Any:
    if name == "gtin":
        return next((v for q, v in ids.items() if q in ("UP", "UK", "EN", "UA", "UI", "SRV")), None)
    return getattr(line, name)


def score_sample(
    score: SetScore, output: DocumentExtraction | None, expected: ExpectedExtraction
) -> None:
    """Add one extraction's counts (None when the document could not be read)."""
    score.documents += 1
    if expected.doc_type is not None:
        _tally(score.fields["doc_type"], expected.doc_type, output.doc_type if output else None)
    for name in sorted(expected.fields.model_fields_set):
        wanted = getattr(expected.fields, name)
        if wanted is None:
            continue
        got = getattr(output.fields, name, None) if output is not None else None
        right = _tally(score.fields[name], wanted, got)
        if not right and got is not None and name in KEY_FIELDS and output is not None:
            score.confident_errors += output.confidence.get(name, 0.0) >= REVIEW_BAR
    if expected.lines is not None:
        before = _misses(score)
        _score_lines(score, output, expected.lines)
        if output is not None and output.fields.lines and _misses(score) > before:
            score.confident_errors += output.confidence.get("lines", 0.0) >= REVIEW_BAR


_BUSINESS_LINE_VALUES = ("line.sku", "line.qty", "line.unit_price", "line.amount", "line.gtin")


def _misses(score: SetScore) -> int:
    """Wrong or missing line values that matter to a decision (a description's wording
    does not)."""
    return sum(score.fields[n].fp + score.fields[n].fn for n in _BUSINESS_LINE_VALUES)


def _score_lines(
    score: SetScore, output: DocumentExtraction | None, wanted: list[ExpectedLine]
) -> None:
    got = output.fields.lines if output is not None else []
    ids = (output.fields.extra.line_ids if output is not None else None) or []
    pool = [(line, ids[i] if i < len(ids) else {}) for i, line in enumerate(got)]
    labelled = [{n: getattr(line, n) for n in line.model_fields_set} for line in wanted]
    pairs: list[tuple[int, int, int]] = []
    for w, values in enumerate(labelled):
        for g, (line, line_ids) in enumerate(pool):
            agreement = sum(
                same_value(v, _line_value(line, line_ids, n))
                for n, v in values.items()
                if v is not None
            )
            if agreement:
                pairs.append((agreement, w, g))
    pairs.sort(key=lambda p: (-p[0], p[1], p[2]))
    matched: dict[int, int] = {}
    taken: set[int] = set()
    for _, w, g in pairs:
        if w not in matched and g not in taken:
            matched[w] = g
            taken.add(g)
    attributes = {n for values in labelled for n, v in values.items() if v is not None}
    right = 0
    for w, values in enumerate(labelled):
        partner = matched.get(w)
        all_agree = partner is not None
        for name, value in values.items():
            if value is None:
                continue
            actual = _line_value(*pool[partner], name) if partner is not None else None
            all_agree &= _tally(score.fields[f"line.{name}"], value, actual)
        right += all_agree
    for g, (line, line_ids) in enumerate(pool):
        if g in taken:
            continue
        for name in attributes:
            if _line_value(line, line_ids, name) is not None:
                score.fields[f"line.{name}"].fp += 1
    score.line_items.tp += right
    score.line_items.fp += len(pool) - right
    score.line_items.fn += len(wanted) - right


def _labelled(value: Any) -> bool:
    return value is not None and not (isinstance(value, float) and value != value)


def expectation(
    fields: dict[str, Any], lines: list[dict[str, Any]] | None = None
) -> ExpectedExtraction:
    """An expectation from plain dicts; None (or NaN) values are left out (not labelled)."""
    labelled = {k: v for k, v in fields.items() if _labelled(v) and k != "doc_type"}
    line_models = None
    if lines is not None:
        line_models = [
            ExpectedLine.model_validate(
                {k: v for k, v in line.items() if _labelled(v) and k != "line_no"}
            )
            for line in lines
        ]
    return ExpectedExtraction(
        doc_type=fields.get("doc_type"),
        fields=ExpectedFields.model_validate(labelled),
        lines=line_models,
    )
