"""Canonical JSON for hashing, in two versions.

Version 1 is ``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False,
default=str)``: what every record written before release 2 was hashed over. It is not
stable across a jsonb round trip: ``-0.0`` reads back as ``0.0``, and a float printed with
an exponent of 16 or more (``1e+16``) reads back as an integer.

Version 2 writes a value so that it hashes the same before and after jsonb:

* ``null``, ``true``, ``false``;
* a number (``int`` or ``float``) by its exact decimal value: an optional ``-``, the
  significant digits without leading or trailing zeros, and ``e<exponent>`` when the
  exponent is not 0 (``0.30000000000000004`` → ``30000000000000004e-17``, ``1e16`` and
  ``10000000000000000`` → ``1e16``, ``-0.0`` and ``0`` → ``0``); a float stands for the
  shortest decimal that reads back as it (Python's ``repr``, what is sent to jsonb); NaN
  and infinities are refused (jsonb refuses them too);
* a ``Decimal`` as the JSON string of ``str(value)`` (money is a decimal string);
* a string as JSON with only the escapes JSON requires (``\\"``, ``\\\\``, ``\\b \\f \\n \\r
  \\t``, other control characters as ``\\u00xx``), its code points unchanged — no Unicode
  normalisation, so two spellings of one letter hash apart; NUL and lone surrogates are
  refused (jsonb cannot store them);
* an array in order; an object with string keys sorted by code point, no whitespace.

Anything else (a date, a model) is refused: hash what was stored, never a Python object.
"""

from __future__ import annotations

import itertools
import json
import math
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from typing import Any, Literal

HashVersion = Literal[1, 2]
"""How a record's hash was computed: 1 before release 2, 2 since."""

CURRENT_VERSION: HashVersion = 2
"""The version every new record is hashed with."""


def canonical_json_v1(value: Any) -> str:
    """The first release's serialisation (sorted keys, no spaces, ``str`` of the rest)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def canonical_json_v2(value: Any) -> str:
    """The serialisation that survives jsonb (see the module's description)."""
    parts: list[str] = []
    _write(value, parts)
    return "".join(parts)


def canonical_json(value: Any, version: HashVersion) -> str:
    """The canonical JSON of ``value`` in ``version``."""
    return canonical_json_v2(value) if version == 2 else canonical_json_v1(value)


def canonical_number(value: int | float) -> str:
    """A number by its exact decimal value (version 2)."""
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value} has no JSON form")
        exact = Decimal(repr(value))
    else:
        exact = Decimal(value)
    sign, digit_tuple, exponent = exact.as_tuple()
    assert isinstance(exponent, int)  # finite
    digits = "".join(map(str, digit_tuple)).lstrip("0")
    if not digits:
        return "0"
    significant = digits.rstrip("0")
    exponent += len(digits) - len(significant)
    return ("-" if sign else "") + significant + (f"e{exponent}" if exponent else "")


def _string(value: str) -> str:
    if "\x00" in value:
        raise ValueError("a string holds NUL, which jsonb cannot store")
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError("a string holds a lone surrogate, which jsonb cannot store") from error
    return json.dumps(value, ensure_ascii=False)


def _write(value: Any, parts: list[str]) -> None:
    if value is None:
        parts.append("null")
    elif value is True:
        parts.append("true")
    elif value is False:
        parts.append("false")
    elif isinstance(value, int | float):
        parts.append(canonical_number(value))
    elif isinstance(value, Decimal):
        parts.append(_string(str(value)))
    elif isinstance(value, str):
        parts.append(_string(value))
    elif isinstance(value, Mapping):
        keys = list(value)
        if not all(isinstance(key, str) for key in keys):
            raise TypeError("object keys must be strings")
        parts.append("{")
        for index, key in enumerate(sorted(keys)):
            if index:
                parts.append(",")
            parts.append(_string(key))
            parts.append(":")
            _write(value[key], parts)
        parts.append("}")
    elif isinstance(value, list | tuple):
        parts.append("[")
        for index, item in enumerate(value):
            if index:
                parts.append(",")
            _write(item, parts)
        parts.append("]")
    else:
        raise TypeError(f"{type(value).__name__} has no canonical JSON form: hash stored JSON")


# --- reading version 1 back ------------------------------------------------------------------

MAX_V1_READINGS = 4096
"""How many spellings of a read-back value :func:`v1_readings` offers at most."""


def _ambiguous(value: Any) -> list[Any] | None:
    """What a read-back leaf may have been when it was hashed, or None when only itself."""
    if isinstance(value, bool):
        return None
    if isinstance(value, float) and value == 0.0:
        return [value, -0.0]
    if isinstance(value, int) and abs(value) >= 10**16:
        as_float = float(value) if abs(value) < 2**1024 else None
        if as_float is not None and Decimal(repr(as_float)) == value:
            return [value, as_float]
    return None


def _leaves(value: Any, path: tuple[Any, ...] = ()) -> Iterator[tuple[tuple[Any, ...], list[Any]]]:
    if isinstance(value, Mapping):
        for key, item in value.items():
            yield from _leaves(item, (*path, key))
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from _leaves(item, (*path, index))
    else:
        choices = _ambiguous(value)
        if choices is not None:
            yield path, choices


def _replaced(value: Any, path: Sequence[Any], new: Any) -> Any:
    if not path:
        return new
    head, rest = path[0], path[1:]
    if isinstance(value, Mapping):
        return {**value, head: _replaced(value[head], rest, new)}
    copy = list(value)
    copy[head] = _replaced(copy[head], rest, new)
    return copy


def v1_readings(value: Any) -> Iterator[Any]:
    """Every value a version-1 hash may have been computed over, given what jsonb returned.

    jsonb keeps a number's value, not its Python type or sign of zero: a ``0.0`` read back
    may have been ``-0.0``, and an integer of 17 digits or more may have been a float
    (``1e+16``). The value itself comes first; at most :data:`MAX_V1_READINGS` in all.
    """
    leaves = list(_leaves(value))
    if not leaves:
        yield value
        return
    combos = itertools.product(*(choices for _, choices in leaves))
    for combo in itertools.islice(combos, MAX_V1_READINGS):
        reading = value
        for (path, _), choice in zip(leaves, combo, strict=True):
            reading = _replaced(reading, path, choice)
        yield reading
