"""Turning pydantic validation errors into one located, readable problem.

Locations name the object and field the way a person reads a document:
``orders[3].lines[0].sku``, ``[2].occurred_at`` for the third event of a list.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Sequence
from typing import Any, Final, TypeVar

from pydantic import BaseModel, ValidationError

from exdesk.errors import InputError

ModelT = TypeVar("ModelT", bound=BaseModel)

_MODEL_LEVEL = re.compile(r"^Value error, (?P<location>[\w\[\].]+): (?P<message>.*)$", re.DOTALL)


def format_location(parts: Sequence[str | int], prefix: str = "") -> str:
    """``("orders", 3, "lines", 0, "sku")`` → ``orders[3].lines[0].sku``."""
    text = prefix
    for part in parts:
        if isinstance(part, int):
            text += f"[{part}]"
        else:
            text += f".{part}" if text else str(part)
    return text


def first_problem(error: ValidationError, prefix: str = "") -> tuple[str, str]:
    """The first problem of a validation error as (location, message).

    A model-level check that names its own location (``"orders[3].lines[0].sku: unknown
    sku"``) is located there rather than at the model.
    """
    first = error.errors()[0]
    location = format_location(list(first["loc"]), prefix)
    message = str(first["msg"])
    match = _MODEL_LEVEL.match(message)
    if match and not first["loc"]:
        location = format_location([], prefix) + ("." if prefix else "") + match["location"]
        location = location.replace(".[", "[")
        message = match["message"]
    return location or "(document)", message


def describe(error: ValidationError, prefix: str = "") -> str:
    """``location: message`` of the first problem."""
    location, message = first_problem(error, prefix)
    return f"{location}: {message}"


def validated(model: type[ModelT], data: Any, prefix: str = "") -> ModelT:
    """``data`` as ``model``, or InputError located at the first problem."""
    try:
        return model.model_validate(data)
    except ValidationError as error:
        location, message = first_problem(error, prefix)
        raise InputError(f"{location}: {message}", location=location) from error


# --- what can be stored -----------------------------------------------------------------

MAX_DEPTH: Final = 32
"""How deeply objects and lists may nest in a request (an event's attributes included)."""
MAX_ITEMS: Final = 10_000
"""How many items one list or object may hold."""
MAX_STRING_BYTES: Final = 4_000_000
"""The UTF-8 bytes of one string (a 2,000,000-character document fits)."""
MAX_INTEGER: Final = 2**63 - 1
"""The largest integer PostgreSQL stores (``bigint``); beyond it nothing is a quantity."""


class NonFinite:
    """``NaN``, ``Infinity`` or ``-Infinity`` as a JSON document spelled it (not JSON)."""

    def __init__(self, spelled: str) -> None:
        self.spelled = spelled


def text_problem(text: str, *, sized: bool = True) -> str | None:
    """Why a string cannot be stored (PostgreSQL text holds neither NUL nor a lone
    surrogate) or, when ``sized``, is longer than a request may send; or None."""
    if "\x00" in text:
        return "contains a NUL character (\\u0000), which cannot be stored"
    try:
        size = len(text.encode("utf-8"))
    except UnicodeEncodeError:
        return "contains a lone surrogate (\\ud800-\\udfff), which is not text"
    if sized and size > MAX_STRING_BYTES:
        return f"has {size} bytes; at most {MAX_STRING_BYTES} are accepted"
    return None


def storable_problem(
    value: Any, location: Sequence[str | int] = (), *, sized: bool = True
) -> tuple[str, str] | None:
    """The first part of a parsed JSON value that cannot be stored as given, as (location,
    message): unstorable text in a string or a key, an integer beyond ``bigint``, NaN or an
    infinity and, when ``sized`` (a request's limits, not a file an operator loads), a
    string over :data:`MAX_STRING_BYTES`, nesting deeper than :data:`MAX_DEPTH` or a list or
    object over :data:`MAX_ITEMS`. Iterative, so a deep document cannot exhaust the stack."""
    stack: list[tuple[Any, tuple[str | int, ...]]] = [(value, tuple(location))]
    while stack:
        item, where = stack.pop()
        problem = _own_problem(item, where, sized)
        if problem is not None:
            return format_location(where) or "body", problem
        if isinstance(item, dict):
            for key, child in reversed(item.items()):
                key_problem = text_problem(key, sized=sized) if isinstance(key, str) else None
                if key_problem is not None:
                    shown = json.dumps(key)[1:-1]  # NUL and surrogates as escapes
                    return format_location((*where, shown)), f"the key {key_problem}"
                stack.append((child, (*where, key)))
        elif isinstance(item, list):
            stack.extend((child, (*where, i)) for i, child in reversed(list(enumerate(item))))
    return None


def _own_problem(item: Any, where: tuple[str | int, ...], sized: bool) -> str | None:
    if isinstance(item, str):
        return text_problem(item, sized=sized)
    if isinstance(item, NonFinite):
        return f"{item.spelled} is not a number JSON allows; send a finite number"
    if isinstance(item, bool):
        return None
    if isinstance(item, int) and abs(item) > MAX_INTEGER:
        return f"the integer is out of range (at most {MAX_INTEGER} in magnitude)"
    if isinstance(item, float) and not math.isfinite(item):
        return "the number is out of range (not finite)"
    if isinstance(item, dict | list) and sized:
        depth = len(where)
        if depth >= MAX_DEPTH:
            return f"nested deeper than {MAX_DEPTH} levels"
        if len(item) > MAX_ITEMS:
            return f"has {len(item)} items; at most {MAX_ITEMS} are accepted"
    return None


def json_problem(document: bytes | str, *, sized: bool = True) -> tuple[str, str] | None:
    """The first part of a JSON document that cannot be stored, as (location, message):
    nesting too deep to read, or what :func:`storable_problem` finds; None when there is
    none. ValueError when the document is not JSON (or not UTF-8)."""
    try:
        value = parse_json(document)
    except RecursionError:
        return "body", "nested too deeply"
    return storable_problem(value, sized=sized)


def parse_json(body: bytes | str) -> Any:
    """A JSON document as parsed for the checks above: ``NaN`` and infinities kept as
    :class:`NonFinite` (not silently turned into floats or nulls)."""
    return json.loads(body, parse_constant=NonFinite)
