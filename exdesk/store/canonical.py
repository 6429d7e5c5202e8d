"""Canonical JSON for hashing, in two versions.

Version 1 is ``json.dumps(sort_keys=True, separators=(",", ":"), ensure_ascii=False,
default=str)``: what every record written before release 2 was hashed over. It is not
stable across a jsonb round trip: ``-0.0`` reads back as ``0.0``, and a float printed with
an exponent of 16 or more (``1e+16``) reads back as an integer.

Version 2 writes a value so that it hashes the same before and after jsonb:

* ``null``, ``true``, ``false``;
* a number by its value: an integral one (``3``, ``2.0``, ``-0.0``, ``1e16``) as the exact
  integer (``3``, ``2``, ``0``, ``10000000000000000``), any other as the shortest decimal
  that reads back as the same double (Python's ``repr``: ``0.30000000000000004``,
  ``1.5e-07``) — jsonb keeps a number's value, not whether it was a float, the sign of a
  zero, or how it was spelt; NaN and infinities are refused (jsonb refuses them too);
* a ``Decimal`` as the JSON string of ``str(value)`` (money is a decimal string);
* a string as JSON with only the escapes JSON requires (``\\"``, ``\\\\``, ``\\b \\f \\n
  \\r \\t``, other control characters as ``\\u00xx``), its code points unchanged — no
  Unicode normalisation, so two spellings of one letter hash apart; NUL and lone
  surrogates are refused (jsonb cannot store them);
* an array in order; an object with string keys sorted by code point, no whitespace.

Anything else (a date, a model) is refused: hash what was stored, never a Python object.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections.abc import Iterator, Mapping, Sequence
from decimal import Decimal
from json.encoder import encode_basestring
from typing import Any, Literal

import orjson

HashVersion = Literal[1, 2]
"""How a record's hash was computed: 1 before release 2, 2 since."""

CURRENT_VERSION: HashVersion = 2
"""The version every new record is hashed with."""


def canonical_json_v1(value: Any) -> str:
    """The first release's serialisation (sorted keys, no spaces, ``str`` of the rest)."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)


def canonical_json_v1_bytes(value: Any) -> bytes:
    """``canonical_json_v1(value).encode()``, written by orjson — several times quicker —
    where orjson writes the same bytes: for JSON's own types, but for floats below 1e-4 or
    from 1e16 on (``1e-05`` against ``0.00001``, ``1e+16`` against ``1e16``) and integers
    past 64 bits. Anything else (such a float, a ``Decimal``, a date, a subclass of a JSON
    type such as a ``StrEnum``) is written by :func:`canonical_json_v1`. Two values differ:
    NaN and the infinities (orjson writes ``null``; jsonb refuses them anyway) and a plain
    ``Enum`` member (orjson writes its value); a JSON dump, what a step hashes, holds none."""
    try:
        text = orjson.dumps(value, default=_not_json, option=_ORJSON_OPTIONS)
    except orjson.JSONEncodeError:  # a type version 1 writes as ``str``, a big integer…
        return canonical_json_v1(value).encode()
    if _floats_spelt_apart(text, whole=False):  # maybe such a float (or a string like one)
        return canonical_json_v1(value).encode()
    return text


_ORJSON_OPTIONS = (
    orjson.OPT_SORT_KEYS
    | orjson.OPT_PASSTHROUGH_DATETIME
    | orjson.OPT_PASSTHROUGH_DATACLASS
    | orjson.OPT_PASSTHROUGH_SUBCLASS
)
"""Sorted keys; dates, dataclasses and subclasses of JSON types handed to ``default``."""


def _floats_spelt_apart(text: bytes, *, whole: bool) -> bool:
    """Whether orjson's ``text`` may hold a float it spells otherwise than Python does: with
    an exponent (orjson always signs it: ``1e+16``, ``1.5e-7``) or the leading zeros it
    writes for 1e-5 <= |x| < 1e-4 (``0.00001``); with ``whole``, also a whole float
    (``2.0``, ``-0.0``), which version 2 writes as an integer — a number ends where a comma,
    bracket or brace follows, or the text does. Each search starts from a literal (a pattern
    opening on a character class would cost more than orjson's whole write); a string that
    merely reads like such a float sends the value down the slow path, never wrong."""
    for found in _EXPONENT.finditer(text):
        if text[found.start() - 1 : found.start()].isdigit():
            return True
    if whole:
        return _TINY_OR_WHOLE.search(text) is not None
    return b".0000" in text


_EXPONENT = re.compile(rb"e[-+][0-9]")
_TINY_OR_WHOLE = re.compile(rb"\.0(?:000|(?=[,\]}]|$))")


def _not_json(value: object) -> object:
    raise TypeError(f"{type(value).__name__} is written by version 1")


def canonical_json_v2(value: Any) -> str:
    """The serialisation that survives jsonb (see the module's description)."""
    kind = type(value)
    if kind is str:
        return _string_text(value)
    if value is None:
        return "null"
    if kind is int:
        return int.__repr__(value)
    if kind is bool:
        return "true" if value else "false"
    text = _ENCODER.encode(_prepared(value))
    if "\\u0000" in text:  # written for NUL, or a backslash before "u0000": look closer
        _refuse_nul(value)
    if not text.isascii():
        _refuse_lone_surrogates(text)
    return text


def canonical_json_v2_of_dump(value: Any) -> str:
    """``canonical_json_v2(value)`` for a JSON dump — a value of JSON's own types only, as
    ``model_dump(mode="json")`` or a jsonb read gives — written by orjson, several times
    quicker, where orjson writes the same bytes: but for a float written as a whole number
    (``2.0``, ``-0.0``), with an exponent or below 1e-4, and but for what orjson refuses (a
    non-string key, an integer past 64 bits, a lone surrogate) or writes escaped as NUL;
    those, and anything not a JSON type, go to :func:`canonical_json_v2`, which refuses what
    it refuses. Pass only dumps: orjson writes a plain ``Enum`` member and a ``UUID`` that
    version 2 refuses."""
    if type(value) in _PLAIN:  # a leaf: version 2's own path is quicker
        return canonical_json_v2(value)
    try:
        text = orjson.dumps(value, default=_not_json, option=_ORJSON_OPTIONS)
    except orjson.JSONEncodeError:
        return canonical_json_v2(value)
    if _floats_spelt_apart(text, whole=True) or b"\\u0000" in text:
        return canonical_json_v2(value)
    return text.decode()


def canonical_object_v2(members: Mapping[str, str]) -> str:
    """What :func:`canonical_json_v2` writes for an object whose members' values are given
    already written (each the ``canonical_json_v2`` of its value): a writer that keeps them
    need not serialise an unchanged member again."""
    return "{" + ",".join(f"{_string_text(key)}:{members[key]}" for key in sorted(members)) + "}"


def canonical_json(value: Any, version: HashVersion) -> str:
    """The canonical JSON of ``value`` in ``version``."""
    return canonical_json_v2(value) if version == 2 else canonical_json_v1(value)


def canonical_number(value: int | float) -> str:
    """A number as version 2 writes it."""
    return canonical_json_v2(value)


_ENCODER = json.JSONEncoder(
    sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
)
"""Writes a prepared value (see :func:`_prepared`); built once, not per call."""

_PLAIN: frozenset[type] = frozenset({str, int, bool, type(None)})
"""Leaves written as they are (a NUL or lone surrogate in a string is caught in the text)."""


def _string_text(value: str) -> str:
    """A string (or key) as version 2 writes it: quoted, with only JSON's escapes."""
    if "\x00" in value:
        raise ValueError("a string holds NUL, which jsonb cannot store")
    text: str = encode_basestring(value)
    if not text.isascii():
        _refuse_lone_surrogates(text)
    return text


def _refuse_lone_surrogates(text: str) -> None:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError as error:
        raise ValueError("a string holds a lone surrogate, which jsonb cannot store") from error


def _refuse_nul(value: Any) -> None:
    """Raise if a string anywhere in ``value`` (a key or a leaf) holds NUL."""
    if isinstance(value, str):
        _string_text(value)
    elif isinstance(value, Mapping):
        for key, item in value.items():
            _string_text(key)
            _refuse_nul(item)
    elif isinstance(value, list | tuple):
        for item in value:
            _refuse_nul(item)


def _prepared(value: Any) -> Any:
    """The value with every number in its canonical type and every key checked to be a
    string (the encoder then writes it; NUL and lone surrogates are looked for in the text).
    A plain leaf is taken as it is without a call: most of a document is plain leaves."""
    kind = type(value)
    if kind is dict:
        prepared = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise TypeError("object keys must be strings")
            prepared[key] = item if type(item) in _PLAIN else _prepared(item)
        return prepared
    if kind is list or kind is tuple:
        return [item if type(item) in _PLAIN else _prepared(item) for item in value]
    if kind in _PLAIN:
        return value
    if isinstance(value, str):  # a str subclass (an enum member): its plain value
        return str.__str__(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError(f"{value} has no JSON form")
        # the value of its shortest spelling (what jsonb was sent), not the double's
        # exact binary value: 1e300 is 10**300 to jsonb
        return int(Decimal(repr(value))) if value.is_integer() else value
    if isinstance(value, int):  # an int subclass (not bool): its plain value
        return int(value)
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, Mapping):
        return _prepared(dict(value))
    if isinstance(value, list | tuple):
        return _prepared(list(value))
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
