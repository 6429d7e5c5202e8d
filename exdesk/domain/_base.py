"""Shared building blocks of the canonical models: strict config, money, identifiers."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from operator import methodcaller
from typing import Annotated, Final, TypeVar

from pydantic import (
    AfterValidator,
    AwareDatetime,
    BaseModel,
    ConfigDict,
    Field,
    PlainSerializer,
    StringConstraints,
)

Identifier = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
"""Every identifier is a non-empty string (CONTRACT §1)."""

_DECIMAL_TEXT = PlainSerializer(methodcaller("__format__", "f"), return_type=str, when_used="json")
"""A decimal as plain positional text on the wire (``"100"``, never ``"1E+2"``); a C-level
call, as a serialised case holds many amounts."""

Money = Annotated[Decimal, Field(ge=0, max_digits=18, decimal_places=4), _DECIMAL_TEXT]
"""A non-negative amount, a decimal string on the wire (``"13.75"``), never a float."""

SignedMoney = Annotated[Decimal, Field(max_digits=18, decimal_places=4), _DECIMAL_TEXT]
"""An amount that may be negative (a balance, a price difference)."""

Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
"""ISO 4217 code."""

MAX_QUANTITY: Final = 1_000_000_000
"""More units than any order, stock or shipment holds; beyond it a number is a mistake."""

Quantity = Annotated[int, Field(ge=0, le=MAX_QUANTITY)]
"""A whole number of units."""

FIRST_YEAR: Final = 1970
LAST_YEAR: Final = 2199
"""Dates and times outside these years are mistakes (``9999-12-31`` overflows the
arithmetic a case does on them: an SLA, an ETA plus transit days)."""


_Moment = TypeVar("_Moment", date, datetime)


def _plausible_year(value: _Moment) -> _Moment:
    if not FIRST_YEAR <= value.year <= LAST_YEAR:
        raise ValueError(f"the year must be between {FIRST_YEAR} and {LAST_YEAR}")
    return value


Day = Annotated[date, AfterValidator(_plausible_year)]
"""A calendar date within :data:`FIRST_YEAR`–:data:`LAST_YEAR`."""
Instant = Annotated[AwareDatetime, AfterValidator(_plausible_year)]
"""A time with an offset within :data:`FIRST_YEAR`–:data:`LAST_YEAR`."""

Confidence = Annotated[float, Field(ge=0.0, le=1.0)]
"""A probability in [0, 1]."""


class ContractModel(BaseModel):
    """Base of every object on the wire: unknown fields are errors, not silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=True)
