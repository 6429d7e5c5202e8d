"""The corpora keep their promises: no text in two splits, provenance where it is owed, no
line copied from the shared datasets."""

from __future__ import annotations

import csv
import re

import pytest
from pydantic import ValidationError

from exdesk.agents.classifier.corpus import LabelledExample, training_examples
from exdesk.evals.corpus import heldout_examples, outside_examples
from exdesk.evals.shared_data import shared_dataset


def normalized(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip().lower()


def test_no_text_is_in_training_and_in_an_evaluation_set() -> None:
    training = {normalized(e.summary) for e in training_examples()}

    assert not training & {normalized(e.summary) for e in heldout_examples()}
    assert not training & {normalized(e.summary) for e in outside_examples()}


def test_ids_are_unique_across_the_corpora() -> None:
    ids = [e.id for e in (*training_examples(), *heldout_examples(), *outside_examples())]

    assert len(ids) == len(set(ids))


def test_every_outside_event_names_its_language_origin_and_provenance() -> None:
    for example in outside_examples():
        assert {"language", "origin", "provenance", "licence"} <= set(example.metadata), example.id
        assert all(example.metadata[k] for k in ("language", "origin", "provenance")), example.id


def test_public_training_lines_cite_their_source() -> None:
    public = [e for e in training_examples() if e.id.startswith("tr-pub-")]

    assert len(public) > 600
    for example in public:
        assert re.search(r"[\w.-]+/[\w.-]+@[0-9a-f]{40}:", example.metadata["provenance"]), (
            example.id
        )


def test_informational_examples_are_category_other() -> None:
    informational = [e for e in training_examples() if e.informational]
    base = {"id": "x", "source": "carrier", "summary": "Out for delivery", "informational": True}

    assert informational
    assert all(e.category == "other" for e in informational)
    with pytest.raises(ValidationError):
        LabelledExample.model_validate({**base, "category": "carrier_delay"})


def test_old_lines_without_the_new_fields_stay_valid() -> None:
    line = '{"id": "tr-x", "category": "other", "source": "email", "summary": "hi"}'

    example = LabelledExample.model_validate_json(line)

    assert (example.informational, example.metadata) == (False, {})


@pytest.mark.shared_data
def test_no_bitext_utterance_was_copied_into_the_training_data() -> None:
    folder = shared_dataset("bitext-customer-support")
    if folder is None:
        pytest.skip("shared dataset bitext-customer-support is absent")
    utterances = set()
    for path in (folder / "intent-detection").glob("*.csv"):
        with path.open(encoding="utf-8", newline="") as handle:
            utterances |= {normalized(row["utterance"]) for row in csv.DictReader(handle)}

    assert utterances
    assert not utterances & {normalized(e.summary) for e in training_examples()}
