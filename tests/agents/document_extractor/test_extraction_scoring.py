"""The extraction scorer (field-by-field precision/recall/F1, lines matched first) and the
labelled JSONL sets it reads."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import pytest

from exdesk.agents.document_extractor import ExtractionRequest, LocalDocumentExtractor
from exdesk.domain import DocumentExtraction, ExtractedFields, ExtractedLine
from exdesk.evals.extraction_scoring import (
    ExpectedExtraction,
    SetScore,
    load_samples,
    sample_document,
    score_sample,
)
from exdesk.evals.shared_data import REPO_ROOT, shared_datasets_dir

LABELLED = REPO_ROOT / "evals" / "datasets" / "extractor"


def _extraction(**fields: object) -> DocumentExtraction:
    return DocumentExtraction(
        doc_type="invoice", format="text", fields=ExtractedFields.model_validate(fields)
    )


def _expected(payload: dict[str, object]) -> ExpectedExtraction:
    return ExpectedExtraction.model_validate(payload)


def test_a_wrong_value_is_a_false_positive_and_a_false_negative() -> None:
    score = SetScore()
    expected = _expected(
        {"fields": {"invoice_number": "INV-1", "po_number": "PO-1", "total_amount": "10.00"}}
    )
    score_sample(score, _extraction(invoice_number="INV-1", po_number="INFORMATION"), expected)
    fields = score.fields
    assert (fields["invoice_number"].tp, fields["invoice_number"].fp) == (1, 0)
    assert (fields["po_number"].tp, fields["po_number"].fp, fields["po_number"].fn) == (0, 1, 1)
    assert (fields["total_amount"].fp, fields["total_amount"].fn) == (0, 1)
    micro = score.micro()
    assert (micro.tp, micro.fp, micro.fn) == (1, 1, 2)
    assert micro.precision == 0.5
    assert micro.recall == pytest.approx(1 / 3)


def test_unlabelled_fields_are_not_scored() -> None:
    score = SetScore()
    score_sample(score, _extraction(carrier="UPS"), _expected({"fields": {}}))
    assert score.micro().tp + score.micro().fp + score.micro().fn == 0


def test_lines_are_matched_whatever_their_order_and_extra_lines_cost_precision() -> None:
    lines = [
        ExtractedLine(sku="B", qty=2, amount=Decimal("4.00")),
        ExtractedLine(sku="A", qty=1, amount=Decimal("9.00")),
        ExtractedLine(sku="TOTAL", qty=3, amount=Decimal("13.00")),
    ]
    expected = _expected(
        {
            "fields": {},
            "lines": [
                {"sku": "A", "qty": 1, "amount": "1.00"},
                {"sku": "B", "qty": 2, "amount": "4.00"},
            ],
        }
    )
    score = SetScore()
    score_sample(score, _extraction(lines=lines), expected)
    assert (score.line_items.tp, score.line_items.fp, score.line_items.fn) == (1, 2, 1)
    amount = score.fields["line.amount"]
    assert (amount.tp, amount.fp, amount.fn) == (1, 2, 1)
    assert score.fields["line.sku"].tp == 2


def test_an_unreadable_document_misses_every_labelled_value() -> None:
    score = SetScore()
    expected = _expected(
        {"doc_type": "invoice", "fields": {"invoice_number": "1"}, "lines": [{"qty": 1}]}
    )
    score_sample(score, None, expected)
    assert (score.micro().tp, score.micro().fn) == (0, 3)


def test_paths_under_shared_are_read_from_the_shared_folder(tmp_path: Path) -> None:
    (tmp_path / "set").mkdir()
    (tmp_path / "shared" / "docs").mkdir(parents=True)
    (tmp_path / "shared" / "docs" / "slip.txt").write_bytes("Packing slip Gehäuse".encode("cp1252"))
    row = {
        "id": "s1",
        "document": {"kind": "text", "name": "slip.txt", "path": "$SHARED/docs/slip.txt"},
        "order": None,
        "expected": {"doc_type": "packing_slip", "fields": {}},
        "metadata": {"origin": "here", "provenance": "test", "licence": "CC0-1.0"},
    }
    dataset = tmp_path / "set" / "s.jsonl"
    dataset.write_text(json.dumps(row) + "\n", encoding="utf-8")
    (sample,) = load_samples(dataset)
    document = sample_document(sample, dataset, tmp_path / "shared")
    assert document is not None
    assert "Gehäuse" in document.content
    assert sample_document(sample, dataset, None) is None


@pytest.mark.parametrize("name", ["development", "outside"])
def test_the_labelled_sets_are_valid_and_name_their_sources(name: str) -> None:
    samples = [s for path in (LABELLED / name).glob("*.jsonl") for s in load_samples(path)]
    assert len(samples) >= 15
    assert len({s.metadata.language for s in samples}) >= 3
    assert (LABELLED / name / "PROVENANCE.md").is_file()
    for sample in samples:
        assert sample.metadata.provenance
        assert sample.metadata.licence
        assert sample.metadata.origin
        assert sample.document.path is not None
        assert sample.document.path.startswith(f"$SHARED/extractor-text-documents/{name}/")


@pytest.mark.shared_data
@pytest.mark.parametrize("name", ["development", "outside"])
def test_the_labelled_text_sets_stay_above_the_target(name: str) -> None:
    shared = shared_datasets_dir()
    score = SetScore()
    read = 0
    for path in (LABELLED / name).glob("*.jsonl"):
        for sample in load_samples(path):
            document = sample_document(sample, path, shared)
            if document is None:
                continue
            read += 1
            request = ExtractionRequest(document=document, order=sample.order)
            score_sample(score, LocalDocumentExtractor().extract(request).output, sample.expected)
    if read == 0:
        pytest.skip(f"the documents of the {name} set are absent from the shared datasets")
    assert score.micro().f1 >= 0.9
    assert score.confident_errors == 0
