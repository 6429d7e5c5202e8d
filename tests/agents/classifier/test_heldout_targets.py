"""The targets the classifier must meet on the held-out split (never trained on)."""

from __future__ import annotations

from exdesk.agents.classifier.local import LocalClassifier
from exdesk.evals.classification_eval import (
    TARGET_COVERAGE,
    TARGET_COVERED_ACCURACY,
    TARGET_MACRO_F1,
    heldout_report,
)


def test_heldout_macro_f1(classifier: LocalClassifier) -> None:
    report = heldout_report(classifier)

    assert report.count == 432
    assert report.macro_f1 >= TARGET_MACRO_F1


def test_heldout_selective_accuracy_at_the_default_threshold(
    classifier: LocalClassifier,
) -> None:
    at_default = heldout_report(classifier).at_default

    assert at_default.threshold == 0.70
    assert at_default.coverage >= TARGET_COVERAGE
    assert at_default.accuracy >= TARGET_COVERED_ACCURACY
