"""Shared building blocks of the canonical models: strict config, money, identifiers."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, PlainSerializer, StringConstraints

Identifier = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=200)]
"""Every identifier is a non-empty string (CONTRACT §1)."""

Money = Annotated[
    Decimal,
    Field(ge=0, max_digits=18, decimal_places=4),
    PlainSerializer(lambda value: format(value, "f"), return_type=str, when_used="json"),
]
"""A non-negative amount, a decimal string on the wire (``"13.75"``), never a float."""

SignedMoney = Annotated[
    Decimal,
    Field(max_digits=18, decimal_places=4),
    PlainSerializer(lambda value: format(value, "f"), return_type=str, when_used="json"),
]
"""An amount that may be negative (a balance, a price difference)."""

Currency = Annotated[str, StringConstraints(pattern=r"^[A-Z]{3}$")]
"""ISO 4217 code."""

Quantity = Annotated[int, Field(ge=0)]
"""A whole number of units."""

Confidence = Annotated[float, Field(ge=0.0, le=1.0)]
"""A probability in [0, 1]."""


class ContractModel(BaseModel):
    """Base of every object on the wire: unknown fields are errors, not silently dropped."""

    model_config = ConfigDict(extra="forbid", frozen=False, str_strip_whitespace=True)
