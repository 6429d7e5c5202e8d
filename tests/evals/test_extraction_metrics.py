"""Extraction outcomes, normalised matching, line assignment and discrepancy matching."""

from __future__ import annotations

import pytest

from exdesk.evals.matching import same_value
from exdesk.evals.metrics import extraction as em


@pytest.mark.parametrize(
    ("field", "expected", "actual", "outcome"),
    [
        ("po_number", "PO-1", "po-1 ", "correct"),
        ("po_number", "PO 778 812", "PO778812", "correct"),
        ("po_number", "PO-1", "PO-2", "wrong"),
        ("po_number", "PO-1", None, "miss"),
        ("po_number", None, "PO-1", "false_alarm"),
        ("po_number", None, None, "absent_ok"),
        ("ship_date", "03/12/2026", "2026-03-12", "correct"),
        ("ship_date", "2026-03-12", "2026-03-13", "wrong"),
        ("total_amount", "426.72", "426.73", "correct"),
        ("total_amount", "426.72", "426.74", "wrong"),
        ("total_amount", "1,234.50", "1234.5", "correct"),
        ("total_qty", 16, 16.0, "correct"),
    ],
)
def test_field_outcome(field: str, expected: object, actual: object, outcome: str) -> None:
    assert em.field_outcome(field, expected, actual) == outcome


def test_an_unreadable_number_never_matches() -> None:
    assert not same_value("total_amount", "abc", "abc")


def test_counts_give_precision_recall_f1_and_none_when_undefined() -> None:
    counts = em.count(["correct", "correct", "wrong", "miss", "false_alarm", "absent_ok"])

    assert counts.precision == pytest.approx(2 / 4)
    assert counts.recall == pytest.approx(2 / 4)
    assert counts.f1 == pytest.approx(0.5)
    nothing_read = em.count(["miss"])
    assert (nothing_read.precision, nothing_read.recall, nothing_read.f1) == (None, 0.0, None)


def test_lines_are_paired_by_optimal_assignment_not_greedily() -> None:
    expected = [{"sku": "A", "qty": 5}, {"sku": "A", "qty": 5, "unit_price": "3.00"}]
    actual = [{"sku": "A", "qty": 5, "unit_price": "3.00"}, {"sku": "A", "qty": 9}]
    # Greedy, the first labelled line takes extracted line 0 (2 agreements) and leaves the
    # second with line 1 (1 agreement): 3 in all. The optimal pairing agrees on 1 + 3 = 4.

    assert sorted(em.match_lines(expected, actual)) == [(0, 1), (1, 0)]
    assert em.line_outcomes(expected, actual) == [
        ("lines.sku", "correct"),
        ("lines.qty", "wrong"),
        ("lines.sku", "correct"),
        ("lines.qty", "correct"),
        ("lines.unit_price", "correct"),
    ]


def test_unmatched_lines_are_misses_and_extra_lines_false_alarms() -> None:
    expected = [{"sku": "A", "qty": 1}, {"sku": "B", "qty": 2}]
    actual = [{"sku": "A", "qty": 1}, {"sku": "Z", "qty": 9}, {"sku": "Y", "qty": 8}]

    outcomes = em.line_outcomes(expected, actual)

    assert ("lines.sku", "miss") in outcomes
    assert ("lines.qty", "miss") in outcomes
    assert outcomes.count((em.EXTRA_LINE, "false_alarm")) == 2
    assert outcomes.count(("lines.sku", "correct")) == 1


def test_no_lines_extracted_misses_every_labelled_value() -> None:
    outcomes = em.line_outcomes([{"sku": "A", "qty": 1}], [])

    assert [o for _, o in outcomes] == ["miss", "miss"]


def test_discrepancies_match_on_kind_and_the_labelled_details() -> None:
    expected = [{"kind": "qty", "sku": "wid-200"}, {"kind": "total"}]
    actual: list[dict[str, object]] = [
        {"kind": "qty", "sku": "WID-100", "line_no": 1},
        {"kind": "qty", "sku": "WID-200", "line_no": 2},
        {"kind": "total", "line_no": None},
    ]

    assert em.match_discrepancies(expected, actual) == 2
    assert em.match_discrepancies([{"kind": "qty", "line_no": 3}], actual) == 0
    assert em.match_discrepancies([{"kind": "qty"}, {"kind": "qty"}], actual[:1]) == 1
