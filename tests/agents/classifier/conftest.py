"""The classifier trained once per test session on the shipped training split."""

from __future__ import annotations

import pytest

from exdesk.agents.classifier.corpus import training_examples
from exdesk.agents.classifier.local import LocalClassifier


@pytest.fixture(scope="session")
def classifier() -> LocalClassifier:
    """The local engine trained on the shipped training split (``agents/classifier/data/train``)."""
    return LocalClassifier.train_on(training_examples())
