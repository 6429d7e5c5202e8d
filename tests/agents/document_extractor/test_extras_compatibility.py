"""``fields.extra`` keeps the JSON the untyped implementation wrote, key for key.

Stored decision records hold that JSON (and are hashed over it): each case's JSON must
equal what the ``dict[str, Any]`` implementation produced, and JSON read back from a
store must be written out unchanged.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from exdesk.domain import DocumentExtraction, ExtractedFields
from exdesk.evals.shared_data import shared_datasets_dir
from tests.agents.document_extractor.extras_golden import (
    FIXTURE_GOLDEN,
    SHARED_GOLDEN,
    Case,
    digest,
    extras_of,
    fixture_cases,
    shared_documents,
)

_FIXTURE_EXPECTED: dict[str, list[Any]] = json.loads(FIXTURE_GOLDEN.read_text(encoding="utf-8"))
_CASES = fixture_cases()


def _written_back(extra: Any) -> Any:
    """The JSON a stored ``extra`` becomes after a read through the model and a write."""
    return ExtractedFields.model_validate({"extra": extra}).model_dump(mode="json")["extra"]


def test_every_fixture_case_has_an_expectation() -> None:
    assert sorted(case.name for case in _CASES) == sorted(_FIXTURE_EXPECTED)


@pytest.mark.parametrize("case", _CASES, ids=[case.name for case in _CASES])
def test_extra_json_equals_the_untyped_implementation(case: Case) -> None:
    assert extras_of(case) == _FIXTURE_EXPECTED[case.name]


@pytest.mark.parametrize("name", sorted(_FIXTURE_EXPECTED))
def test_stored_extra_json_reads_back_and_writes_unchanged(name: str) -> None:
    for extra in _FIXTURE_EXPECTED[name]:
        if "error" in extra:
            continue
        assert _written_back(extra) == extra
        assert digest(_written_back(extra)) == digest(extra)


def test_a_stored_extraction_round_trips_through_the_domain_model() -> None:
    extra = next(e for e in _FIXTURE_EXPECTED["po_ack_changes.x12"] if "line_statuses" in e)
    stored = {"doc_type": "po_acknowledgment", "format": "x12", "fields": {"extra": extra}}
    written = DocumentExtraction.model_validate(stored).model_dump(mode="json")
    assert written["fields"]["extra"] == extra


@pytest.mark.shared_data
def test_shared_documents_write_the_same_extra_json() -> None:
    root = shared_datasets_dir()
    if root is None:
        pytest.skip("the shared datasets are absent (../shared/datasets)")
    expected: dict[str, str] = json.loads(SHARED_GOLDEN.read_text(encoding="utf-8"))
    compared: list[str] = []
    different: list[str] = []
    for path in shared_documents(root):
        key = path.relative_to(root).as_posix()
        if key not in expected:
            continue
        extras = extras_of(Case(path.name, path))
        compared.append(key)
        if digest(extras) != expected[key]:
            different.append(key)
        for extra in extras:
            if isinstance(extra, dict) and "error" not in extra:
                assert _written_back(extra) == extra, key
    if not compared:
        pytest.skip("none of the recorded shared documents is present")
    assert different == []
