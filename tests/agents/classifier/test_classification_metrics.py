"""The evaluation's own arithmetic: per-class figures, calibration error, selective accuracy."""

from __future__ import annotations

import pytest

from exdesk.evals.classification_eval import Scored, confusion, per_class, reliability, selective

SCORED = Scored(
    gold=["a", "a", "b", "b", "c"],
    predicted=["a", "b", "b", "b", "a"],
    confidence=[0.95, 0.55, 0.85, 0.75, 0.65],
)


def test_per_class_precision_recall_f1() -> None:
    figures = per_class(SCORED, ["a", "b", "c"])

    assert figures["a"].precision == pytest.approx(1 / 2)
    assert figures["a"].recall == pytest.approx(1 / 2)
    assert figures["b"].precision == pytest.approx(2 / 3)
    assert figures["b"].f1 == pytest.approx(0.8)
    assert figures["c"].f1 == 0.0
    assert figures["c"].support == 1


def test_confusion_rows_are_gold_columns_predicted() -> None:
    assert confusion(SCORED, ["a", "b", "c"]) == [[1, 1, 0], [0, 2, 0], [1, 0, 0]]


def test_expected_calibration_error_weighs_each_bin_by_its_size() -> None:
    ece, table = reliability(SCORED, bins=10)

    # bins 0.5 (wrong, 0.55), 0.6 (wrong, 0.65), 0.7 (right, 0.75), 0.8 (right, 0.85),
    # 0.9 (right, 0.95)
    expected = (0.55 + 0.65 + 0.25 + 0.15 + 0.05) / 5
    assert ece == pytest.approx(expected)
    assert [b.count for b in table] == [1, 1, 1, 1, 1]


def test_a_confidence_of_one_falls_in_the_last_bin() -> None:
    _, table = reliability(Scored(["a"], ["a"], [1.0]), bins=10)

    assert (table[0].low, table[0].high, table[0].count) == (0.9, 1.0, 1)


def test_selective_uses_the_threshold_of_the_proposed_category() -> None:
    thresholds = {"a": 0.9, "b": 0.8, "c": 0.5}

    result = selective(SCORED, thresholds.__getitem__)

    # covered: a@0.95 (right), b@0.85 (right); not b@0.75, not b@0.55, not a@0.65
    assert result.covered == 2
    assert result.coverage == pytest.approx(2 / 5)
    assert result.accuracy == 1.0
