"""Money and quantity values as the contract holds them, and when two of them agree."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal

from exdesk.domain import ExtractedLine

_MONEY_LIMIT = Decimal(10) ** 13
_CENT = Decimal("0.01")
QTY_TOLERANCE = 1e-9
"""Quantities are floats read from decimal text: closer than this, they are the same."""


def money(value: Decimal | None) -> Decimal | None:
    """A money value rounded to the four places the contract allows (None when absurd)."""
    if value is None or not value.is_finite() or abs(value) >= _MONEY_LIMIT:
        return None
    exact = value.quantize(Decimal("0.0001"))
    cents = exact.quantize(_CENT)
    return cents if cents == exact else exact.normalize()


def as_written(value: Decimal) -> Decimal:
    """An amount with two places when it has no more, else with the places it has."""
    cents = value.quantize(_CENT)
    return cents if cents == value else value.normalize()


def money_text(value: Decimal | None) -> str | None:
    """A money value as a plain decimal string with at least two places."""
    if value is None:
        return None
    return format(as_written(value), "f")


def qty_text(value: float | None) -> str | None:
    """A quantity without a trailing ``.0``."""
    return None if value is None else f"{value:g}"


def same_quantity(a: float | None, b: float | None, tolerance: float = QTY_TOLERANCE) -> bool:
    """Whether two quantities agree (None agrees only with None)."""
    if a is None or b is None:
        return a is b
    return abs(a - b) <= tolerance


def lines_total(lines: Sequence[ExtractedLine]) -> Decimal | None:
    """What the lines add up to, when there are lines and every one states its amount."""
    if not lines or any(line.amount is None for line in lines):
        return None
    return sum((line.amount for line in lines if line.amount is not None), Decimal(0))


def same_amount(a: Decimal, b: Decimal) -> bool:
    """Whether two money totals agree to the cent (rounding on either side is forgiven)."""
    return abs(a - b) <= _CENT
