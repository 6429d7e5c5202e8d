"""Turning pydantic validation errors into one located, readable problem.

Locations name the object and field the way a person reads a document:
``orders[3].lines[0].sku``, ``[2].occurred_at`` for the third event of a list.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, TypeVar

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
