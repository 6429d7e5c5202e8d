"""The extract suite: the document extractor on labelled documents.

Default data: every set under ``evals/datasets/extractor/`` plus the public documents of the
shared datasets (``exdesk.evals.shared_extraction``, read in place; left out with a note when
the folder is absent). A file holding several transaction sets is scored on the extraction
that agrees best with its labels (the engine's ``extract_all`` when it has one).
"""

from __future__ import annotations

import time
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from importlib import resources
from pathlib import Path
from typing import Any, cast

from exdesk.agents.document_extractor.contract import ExtractionOutcome, ExtractionRequest
from exdesk.domain import DocumentExtraction
from exdesk.errors import AgentError
from exdesk.evals.engine_trace import Scored, local_trace, shadow_answer, trace
from exdesk.evals.engines import build_engine
from exdesk.evals.formats._jsonl import display_path
from exdesk.evals.formats.extraction import (
    ExtractionSample,
    as_document,
    document_text,
    load_extraction,
)
from exdesk.evals.metric import Estimate, Evaluated, Metric, ratio
from exdesk.evals.metrics import extraction as em
from exdesk.evals.metrics.classification import reliability
from exdesk.evals.records import SampleRecord, SuiteName
from exdesk.evals.suite import RunOptions

EXTRACTOR_DATA = Path(str(resources.files("exdesk.evals").joinpath("datasets", "extractor")))


@dataclass(frozen=True)
class FieldResult:
    """One labelled value's outcome, and the engine's confidence in that field."""

    field: str
    outcome: em.Outcome
    confidence: float | None


@dataclass(frozen=True)
class ExtractObs:
    """What one document is scored on."""

    doc_type: str
    results: list[FieldResult]
    discrepancies_labelled: bool
    discrepancies_expected: int
    discrepancies_reported: int
    discrepancies_matched: int


Items = Sequence[Evaluated[ExtractObs]]


def _pooled(items: Items, prefix: str | None = None) -> em.Counts:
    return em.count(
        r.outcome
        for i in items
        for r in i.obs.results
        if prefix is None or r.field.startswith(prefix)
    )


def _figure(which: str, prefix: str | None = None) -> Any:
    def compute(items: Items) -> Estimate:
        counts = _pooled(items, prefix)
        value = getattr(counts, which)
        basis = counts.correct + counts.wrong + counts.miss + counts.false_alarm
        return Estimate(value, basis, note=None if value is not None else "nothing labelled")

    return compute


def _discrepancy(which: str) -> Any:
    def compute(items: Items) -> Estimate:
        labelled = [i.obs for i in items if i.obs.discrepancies_labelled]
        matched = sum(o.discrepancies_matched for o in labelled)
        total = sum(
            o.discrepancies_reported if which == "precision" else o.discrepancies_expected
            for o in labelled
        )
        skipped = len(items) - len(labelled)
        return ratio(matched, total, skipped, "no discrepancy labelled or reported")

    return compute


def _confidence_pairs(items: Items) -> tuple[list[float], list[bool]]:
    pairs = [
        (r.confidence, r.outcome == "correct")
        for i in items
        for r in i.obs.results
        if r.confidence is not None and r.outcome in ("correct", "wrong", "false_alarm")
    ]
    return [c for c, _ in pairs], [ok for _, ok in pairs]


def _confidence_ece(items: Items) -> Estimate:
    confidence, correct = _confidence_pairs(items)
    value, _ = reliability(confidence, correct)
    return Estimate(value, len(confidence), note=None if confidence else "no field confidence")


METRICS: list[Metric[ExtractObs]] = [
    Metric("micro_f1", "F1 over every labelled value, pooled", aggregate=_figure("f1"), gate=True),
    Metric("all_correct", "documents read entirely right (every labelled value)", gate=True),
    Metric("micro_precision", "correct among the values read", aggregate=_figure("precision")),
    Metric("micro_recall", "correct among the values labelled", aggregate=_figure("recall")),
    Metric("doc_type_accuracy", "document type recognised", gate=True),
    Metric("line_f1", "F1 over labelled line values", aggregate=_figure("f1", "lines.")),
    Metric(
        "discrepancy_precision",
        "reported discrepancies that were labelled",
        aggregate=_discrepancy("precision"),
    ),
    Metric(
        "discrepancy_recall",
        "labelled discrepancies that were reported",
        aggregate=_discrepancy("recall"),
    ),
    Metric(
        "confidence_ece",
        "calibration of per-field confidence (values read)",
        higher_is_better=False,
        aggregate=_confidence_ece,
    ),
]


def _line_dict(extraction: DocumentExtraction, index: int) -> dict[str, Any]:
    line = extraction.fields.lines[index]
    values: dict[str, Any] = line.model_dump(exclude_none=True)
    ids = extraction.fields.extra.line_ids
    if ids is not None and index < len(ids):
        gtin = next((v for q, v in ids[index].items() if q in ("UP", "UK", "EN", "UA", "UI")), None)
        if gtin is not None:
            values["gtin"] = gtin
    return values


def field_results(
    sample: ExtractionSample, extraction: DocumentExtraction | None
) -> list[FieldResult]:
    """Every labelled value's outcome against one extraction (None: nothing was read)."""
    expected = sample.expected
    results = []
    for name, value in expected.fields.items():
        actual = None if extraction is None else getattr(extraction.fields, name)
        confidence = None if extraction is None else extraction.confidence.get(name)
        results.append(FieldResult(name, em.field_outcome(name, value, actual), confidence))
    if expected.lines is not None:
        lines = (
            []
            if extraction is None
            else [_line_dict(extraction, i) for i in range(len(extraction.fields.lines))]
        )
        confidence = None if extraction is None else extraction.confidence.get("lines")
        results += [
            FieldResult(name, outcome, confidence)
            for name, outcome in em.line_outcomes(expected.lines, lines)
        ]
    return results


def _best(
    sample: ExtractionSample, extractions: Sequence[DocumentExtraction]
) -> tuple[DocumentExtraction, list[FieldResult]]:
    scored = [(e, field_results(sample, e)) for e in extractions]
    return max(scored, key=lambda pair: sum(r.outcome == "correct" for r in pair[1]))


class _Session:
    def __init__(
        self,
        samples: list[tuple[ExtractionSample, Path]],
        dataset: str,
        notes: list[str],
        options: RunOptions,
    ):
        self.samples = samples
        self.dataset = dataset
        self.notes = notes
        self.engine = options.engine
        self.extractor = build_engine(options, "extractor")
        if options.engine != "local":
            self.notes.append(
                "each document is scored on the engine's one reading (the local engine alone "
                "is scored on its best reading of a file holding several transaction sets)"
            )

    @property
    def size(self) -> int:
        return len(self.samples)

    def _extract(
        self, sample: ExtractionSample, request: ExtractionRequest
    ) -> tuple[DocumentExtraction | None, ExtractionOutcome | None]:
        """The extraction scored and the outcome that says how it was made: the local
        engine's best reading among the transaction sets of a file (its ``extract_all``),
        or the engine's one answer."""
        extract_all = getattr(self.extractor, "extract_all", None)
        if extract_all is not None:
            extractions = cast(list[DocumentExtraction], extract_all(request))
            best = _best(sample, extractions)[0] if extractions else None
            return best, None
        outcome = self.extractor.extract(request)
        return outcome.output, outcome

    def evaluate(self, index: int, epoch: int) -> SampleRecord:
        sample, file = self.samples[index]
        expected = sample.expected
        base = {
            "id": sample.id,
            "epoch": epoch,
            "input_ref": f"{display_path(file)}#{sample.id}"
            + (f" ({sample.document.path})" if sample.document.path else ""),
            "metadata": {
                "doc_type": expected.doc_type,
                "kind": sample.document.kind,
                **sample.metadata,
            },
            "target": expected.model_dump(mode="json"),
        }
        text = document_text(sample, file.parent)
        if text is None:
            return SampleRecord(**base, unscorable="document file absent", seconds=0.0)
        document = as_document(sample, text)
        if isinstance(document, str):
            return SampleRecord(**base, unscorable=document, seconds=0.0)
        started = time.perf_counter()
        error = None
        extraction: DocumentExtraction | None = None
        outcome: ExtractionOutcome | None = None
        try:
            request = ExtractionRequest(document=document, order=sample.order)
            extraction, outcome = self._extract(sample, request)
        except AgentError as failure:
            error = failure.message
        seconds = time.perf_counter() - started
        output, scores = scored(sample, extraction)
        engine = (
            trace(outcome, self.engine)
            if outcome is not None
            else (None if extraction is None else local_trace(self.engine))
        )
        shadow = None
        if outcome is not None:
            shadow = shadow_answer(
                outcome.model, DocumentExtraction, lambda answer: scored(sample, answer)
            )
        return SampleRecord(
            **base,
            output=output,
            scores=scores,
            error=error,
            seconds=seconds,
            engine=engine,
            shadow=shadow,
        )


def scored(sample: ExtractionSample, extraction: DocumentExtraction | None) -> Scored:
    """The observation and scores of one reading (None: nothing was read)."""
    expected = sample.expected
    results = field_results(sample, extraction)
    reported = [d.model_dump(mode="json") for d in extraction.discrepancies] if extraction else []
    labelled = expected.discrepancies
    matched = (
        em.match_discrepancies([d.model_dump() for d in labelled], reported)
        if labelled is not None
        else 0
    )
    counted = em.count(r.outcome for r in results)
    total = counted.correct + counted.wrong + counted.miss + counted.false_alarm
    output = {
        "doc_type": extraction.doc_type if extraction else "(error)",
        "results": [asdict(r) for r in results],
        "discrepancies": reported,
        "discrepancies_matched": matched,
    }
    all_right = counted.wrong == counted.miss == counted.false_alarm == 0
    scores: dict[str, float | None] = {
        "all_correct": float(all_right and output["doc_type"] == expected.doc_type),
        "doc_type_accuracy": float(output["doc_type"] == expected.doc_type),
        "field_accuracy": counted.correct / total if total else None,
    }
    return output, scores


class ExtractSuite:
    """The document extractor on labelled documents."""

    name: SuiteName = "extract"
    metrics = METRICS
    engine_metric = "micro_f1"
    group_keys: Sequence[str] = ("doc_type", "kind", "layout", "language", "origin")

    def observe(self, record: SampleRecord) -> ExtractObs:
        labelled = record.target.get("discrepancies")
        return ExtractObs(
            doc_type=record.target["doc_type"],
            results=[FieldResult(**r) for r in record.output["results"]],
            discrepancies_labelled=labelled is not None,
            discrepancies_expected=len(labelled or []),
            discrepancies_reported=len(record.output["discrepancies"]),
            discrepancies_matched=record.output["discrepancies_matched"],
        )

    @contextmanager
    def open(self, options: RunOptions) -> Iterator[_Session]:
        notes: list[str] = []
        if options.dataset is not None:
            samples = load_extraction(options.dataset)
            described = f"{display_path(options.dataset)} ({len(samples)} documents)"
        else:
            from exdesk.evals.shared_extraction import shared_samples

            samples = load_extraction(EXTRACTOR_DATA) if EXTRACTOR_DATA.is_dir() else []
            shared, why = shared_samples()
            if why:
                notes.append(why)
            samples += shared
            described = (
                f"{display_path(EXTRACTOR_DATA)} and the shared datasets "
                f"({len(samples)} documents, {len(shared)} of them shared)"
            )
        yield _Session(samples, described, notes, options)

    def tables(self, items: Sequence[Evaluated[ExtractObs]], options: RunOptions) -> dict[str, Any]:
        per_field: dict[str, list[em.Outcome]] = defaultdict(list)
        per_type: dict[str, list[Evaluated[ExtractObs]]] = defaultdict(list)
        for item in items:
            per_type[item.obs.doc_type].append(item)
            for result in item.obs.results:
                per_field[result.field].append(result.outcome)
        confidence, correct = _confidence_pairs(items)
        _, bins = reliability(confidence, correct)
        return {
            "fields": {k: em.count(v).as_dict() for k, v in sorted(per_field.items())},
            "doc_types": {
                k: {"documents": len(v), **_pooled(v).as_dict()}
                for k, v in sorted(per_type.items())
            },
            "confidence_reliability": [asdict(b) for b in bins],
        }
