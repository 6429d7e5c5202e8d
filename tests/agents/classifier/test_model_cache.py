"""The trained model is cached on disk, keyed by the corpus it was trained on."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest

from exdesk.agents.classifier import model as classifier_model
from exdesk.agents.classifier.corpus import training_examples
from exdesk.agents.classifier.features import feature_row
from exdesk.agents.classifier.model import load_or_train
from exdesk.domain import Category

PER_CATEGORY = 8


@pytest.fixture(scope="module")
def small_corpus() -> tuple[list[dict[str, Any]], list[Category]]:
    """A few training examples of every category (training on them takes a fraction of a
    second)."""
    taken: dict[str, int] = {}
    rows, labels = [], []
    for example in training_examples():
        if taken.get(example.category, 0) < PER_CATEGORY:
            taken[example.category] = taken.get(example.category, 0) + 1
            rows.append(feature_row(example.to_event()))
            labels.append(example.category)
    return rows, labels


def cached_files(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.glob("classifier-*.pkl"))


def test_second_load_reads_the_cached_file_instead_of_training(
    tmp_path: Path,
    small_corpus: tuple[list[dict[str, Any]], list[Category]],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    rows, labels = small_corpus
    first = load_or_train(tmp_path, rows, labels)
    (cached,) = cached_files(tmp_path)
    written = cached.stat().st_mtime_ns

    def refuse(*_: Any) -> None:
        raise AssertionError("the model was trained again instead of read from the cache")

    monkeypatch.setattr(classifier_model, "train", refuse)
    second = load_or_train(tmp_path, rows, labels)

    assert cached_files(tmp_path) == [cached]
    assert cached.stat().st_mtime_ns == written
    assert second.corpus_digest == first.corpus_digest
    assert np.array_equal(second.probabilities(rows[:5]), first.probabilities(rows[:5]))


def test_the_cache_is_keyed_by_the_corpus(
    tmp_path: Path, small_corpus: tuple[list[dict[str, Any]], list[Category]]
) -> None:
    rows, labels = small_corpus
    load_or_train(tmp_path, rows, labels)
    relabelled: list[Category] = list(labels)
    relabelled[0] = "other" if labels[0] != "other" else "customer_inquiry"

    changed = load_or_train(tmp_path, rows, relabelled)

    assert len(cached_files(tmp_path)) == 2
    assert changed.corpus_digest != classifier_model.corpus_digest(rows, labels)
    assert (tmp_path / f"classifier-{changed.corpus_digest}.pkl").is_file()
