"""Money and quantity values as the contract holds them."""

from __future__ import annotations

from decimal import Decimal

_MONEY_LIMIT = Decimal(10) ** 13
_CENT = Decimal("0.01")


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
