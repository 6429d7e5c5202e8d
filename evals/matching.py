"""Normalised matching of an extracted value with its label.

Dates compare as dates (ISO, ``MM/DD/YYYY``, ``DD.MM.YYYY``, ``YYYYMMDD`` labels are read);
amounts within ``AMOUNT_TOLERANCE``; quantities within ``QTY_TOLERANCE``; identifiers and
other text case- and space-insensitively (all whitespace removed, case folded).
"""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any, Final, Literal

AMOUNT_TOLERANCE: Final = Decimal("0.01")
QTY_TOLERANCE: Final = 1e-6

ValueKind = Literal["date", "amount", "number", "text"]

_DATES = {"ship_date", "document_date"}
_AMOUNTS = {"total_amount", "unit_price", "amount"}
_NUMBERS = {"total_qty", "qty"}


def kind_of(field: str) -> ValueKind:
    """How a field's values compare."""
    name = field.removeprefix("lines.")
    if name in _DATES:
        return "date"
    if name in _AMOUNTS:
        return "amount"
    if name in _NUMBERS:
        return "number"
    return "text"


def _date(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    for pattern in ("%Y-%m-%d", "%m/%d/%Y", "%d.%m.%Y", "%Y%m%d"):
        try:
            return datetime.strptime(text, pattern).date()
        except ValueError:
            continue
    return None


def _decimal(value: Any) -> Decimal | None:
    if isinstance(value, bool):
        return None
    try:
        return Decimal(str(value).replace(",", "").strip())
    except InvalidOperation:
        return None


def normalise_text(value: Any) -> str:
    """Case folded, every whitespace removed."""
    return re.sub(r"\s+", "", str(value)).casefold()


def same_value(field: str, expected: Any, actual: Any) -> bool:
    """True when an extracted value matches its label (neither is None)."""
    kind = kind_of(field)
    if kind == "date":
        left, right = _date(expected), _date(actual)
        return left is not None and left == right
    if kind in ("amount", "number"):
        a, b = _decimal(expected), _decimal(actual)
        if a is None or b is None:
            return False
        tolerance = AMOUNT_TOLERANCE if kind == "amount" else Decimal(str(QTY_TOLERANCE))
        return abs(a - b) <= tolerance
    return normalise_text(expected) == normalise_text(actual)
