"""The classifier trained once per test session on the shipped training split."""

from __future__ import annotations

import pytest

from agents.classifier.local import LocalClassifier
from evals.corpus import load_examples


@pytest.fixture(scope="session")
def classifier() -> LocalClassifier:
    """The local engine trained on ``evals/datasets/classifier/train``."""
    return LocalClassifier.train_on(load_examples("train"))
