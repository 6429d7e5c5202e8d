"""Money and quantity values as the contract holds them."""

from __future__ import annotations

from decimal import Decimal

_MONEY_LIMIT = Decimal(10) ** 13


def money(value: Decimal | None) -> Decimal | None:
    """A money value rounded to the four places the contract allows (None when absurd)."""
    if value is None or not value.is_finite() or abs(value) >= _MONEY_LIMIT:
        return None
    exact = value.quantize(Decimal("0.0001"))
    cents = exact.quantize(Decimal("0.01"))
    return cents if cents == exact else exact.normalize()


def money_text(value: Decimal | None) -> str | None:
    """A money value as a plain decimal string with at least two places."""
    if value is None:
        return None
    cents = value.quantize(Decimal("0.01"))
    return format(cents if cents == value else value.normalize(), "f")


def qty_text(value: float | None) -> str | None:
    """A quantity without a trailing ``.0``."""
    return None if value is None else f"{value:g}"
