"""Classification figures against values worked out by hand on tiny inputs."""

from __future__ import annotations

import pytest

from exdesk.evals.metrics import classification as cm

GOLD = ["a", "a", "b", "b", "c"]
PREDICTED = ["a", "b", "b", "b", "a"]
CONFIDENCE = [0.95, 0.55, 0.85, 0.75, 0.65]
CORRECT = [g == p for g, p in zip(GOLD, PREDICTED, strict=True)]


def test_a_class_never_predicted_has_no_precision_and_f1_zero() -> None:
    figures = cm.per_class(GOLD, PREDICTED)

    assert figures["c"].precision is None
    assert figures["c"].recall == 0.0
    assert figures["c"].f1 == 0.0
    assert figures["a"].precision == pytest.approx(1 / 2)
    assert figures["b"].precision == pytest.approx(2 / 3)
    assert figures["b"].f1 == pytest.approx(0.8)


def test_macro_f1_averages_over_every_class_labelled_or_predicted() -> None:
    # F1: a = 0.5, b = 0.8, c = 0 (labelled, never predicted)
    assert cm.macro_f1(GOLD, PREDICTED) == pytest.approx((0.5 + 0.8 + 0.0) / 3)
    # d is predicted but never labelled: recall undefined, F1 0, and it counts
    assert cm.macro_f1(["a", "a"], ["a", "d"]) == pytest.approx((2 / 3 + 0.0) / 2)


def test_all_correct_all_wrong_and_a_single_sample() -> None:
    assert cm.macro_f1(["a", "b"], ["a", "b"]) == 1.0
    assert cm.macro_f1(["a", "b"], ["b", "a"]) == 0.0
    assert cm.macro_f1(["a"], ["a"]) == 1.0
    assert cm.macro_f1([], []) is None


def test_confusion_rows_are_labelled_columns_predicted() -> None:
    assert cm.confusion(GOLD, PREDICTED, ["a", "b", "c"]) == [[1, 1, 0], [0, 2, 0], [1, 0, 0]]


def test_brier_sums_squared_errors_over_the_taxonomy() -> None:
    # gold a: (0.7 - 1)^2 + 0.2^2 + 0.1^2 = 0.09 + 0.04 + 0.01
    assert cm.brier({"other": 0.7, "carrier_delay": 0.2, "credit_hold": 0.1}, "other") == (
        pytest.approx(0.14)
    )
    # a missing probability counts as 0: all mass on the wrong class costs 2
    assert cm.brier({"carrier_delay": 1.0}, "other") == pytest.approx(2.0)


def test_expected_calibration_error_weighs_each_bin_by_its_size() -> None:
    ece, bins = cm.reliability(CONFIDENCE, CORRECT)

    assert ece == pytest.approx((0.55 + 0.65 + 0.25 + 0.15 + 0.05) / 5)
    assert [b.count for b in bins] == [1, 1, 1, 1, 1]
    assert cm.reliability([], []) == (None, [])
    _, last = cm.reliability([1.0], [True])
    assert (last[0].low, last[0].high) == (0.9, 1.0)


def test_risk_coverage_and_aurc_without_ties() -> None:
    aurc, points = cm.risk_coverage([0.9, 0.8, 0.7, 0.6], [True, False, True, False])

    # risks at coverage 1/4..4/4: 0, 1/2, 1/3, 1/2 -> mean
    assert aurc == pytest.approx((0 + 1 / 2 + 1 / 3 + 1 / 2) / 4)
    assert [p.coverage for p in points] == [0.25, 0.5, 0.75, 1.0]


def test_risk_coverage_steps_over_tied_confidences() -> None:
    aurc, points = cm.risk_coverage([0.9, 0.9, 0.5], [True, False, False])

    # threshold 0.9: coverage 2/3, risk 1/2; threshold 0.5: coverage 1, risk 2/3
    assert [p.coverage for p in points] == pytest.approx([2 / 3, 1.0])
    assert [p.risk for p in points] == pytest.approx([1 / 2, 2 / 3])
    assert aurc == pytest.approx(1 / 2 * 2 / 3 + 2 / 3 * 1 / 3)


def test_all_correct_has_zero_risk_everywhere() -> None:
    aurc, _ = cm.risk_coverage([0.9, 0.4], [True, True])

    assert aurc == 0.0


def test_selective_uses_each_samples_own_threshold() -> None:
    found = cm.selective(CONFIDENCE, CORRECT, [0.9, 0.8, 0.8, 0.8, 0.9])

    # accepted: 0.95 (right), 0.85 (right); not 0.55, 0.75, 0.65
    assert found.coverage == pytest.approx(2 / 5)
    assert (found.accuracy, found.covered) == (1.0, 2)
    nobody = cm.selective([0.1], [True], [0.5])
    assert (nobody.coverage, nobody.accuracy) == (0.0, None)


def test_error_capture_reviews_the_least_confident_share() -> None:
    confidence = [0.1, 0.2, 0.3, 0.9, 0.95, 0.96, 0.97, 0.98, 0.99, 0.995]
    correct = [False, True, True, False, True, True, True, True, True, True]

    # 10 % of 10 = 1 reviewed: the 0.1 one, one of the two errors
    assert cm.error_capture(confidence, correct, 0.10) == 0.5
    # 30 %: 0.1, 0.2, 0.3 reviewed, still one error of two
    assert cm.error_capture(confidence, correct, 0.30) == 0.5
    assert cm.error_capture(confidence, correct, 0.40) == 1.0
    assert cm.error_capture([0.5, 0.6], [True, True]) is None


def test_under_triage_is_a_lower_severity_than_labelled() -> None:
    assert cm.under_triaged("high", "medium")
    assert not cm.under_triaged("medium", "high")
    assert not cm.under_triaged("critical", "critical")
