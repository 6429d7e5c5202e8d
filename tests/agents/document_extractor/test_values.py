"""When two quantities or two money totals are the same, and how amounts are written."""

from __future__ import annotations

from decimal import Decimal

import pytest

from exdesk.agents.document_extractor.values import (
    as_written,
    lines_total,
    money_text,
    same_amount,
    same_quantity,
)
from exdesk.domain import ExtractedLine


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        (10.0, 10.0, True),
        (0.1 + 0.2, 0.3, True),
        (4.0, 2.0, False),
        (None, None, True),
        (None, 0.0, False),
        (1.0, None, False),
    ],
)
def test_same_quantity(a: float | None, b: float | None, same: bool) -> None:
    assert same_quantity(a, b) is same


def test_a_looser_tolerance_for_sums() -> None:
    assert not same_quantity(14.0, 14.0000005)
    assert same_quantity(14.0, 14.0000005, tolerance=1e-6)


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [("84.00", "84.01", True), ("84.00", "83.99", True), ("84.00", "84.02", False)],
)
def test_same_amount_forgives_a_cent(a: str, b: str, same: bool) -> None:
    assert same_amount(Decimal(a), Decimal(b)) is same


@pytest.mark.parametrize(
    ("value", "text"),
    [("84", "84.00"), ("84.5", "84.50"), ("1.2345", "1.2345"), ("-4.000", "-4.00")],
)
def test_amounts_keep_two_places_or_the_places_they_have(value: str, text: str) -> None:
    assert format(as_written(Decimal(value)), "f") == money_text(Decimal(value)) == text


def test_lines_add_up_only_when_every_line_states_its_amount() -> None:
    zero = [ExtractedLine(line_no=n, amount=Decimal("0.00")) for n in (1, 2)]
    assert str(lines_total(zero)) == "0.00"
    priced = ExtractedLine(line_no=1, amount=Decimal("3.50"))
    assert lines_total([priced, priced]) == Decimal("7.00")
    assert lines_total([priced, ExtractedLine(line_no=2)]) is None
    assert lines_total([]) is None
