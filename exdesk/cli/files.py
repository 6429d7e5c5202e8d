"""Reading an operator's input files: UTF-8 JSON, refused in one line naming the file,
the line and the field when it cannot be read, stored or validated."""

from __future__ import annotations

from pathlib import Path
from typing import TypeVar

from pydantic import BaseModel, ValidationError

from exdesk.domain import ExceptionEvent
from exdesk.errors import InputError
from exdesk.validation import describe, json_problem

ModelT = TypeVar("ModelT", bound=BaseModel)


def _read_text(path: Path) -> str:
    """A UTF-8 file's text, or InputError in one line."""
    try:
        return path.read_text(encoding="utf-8")
    except OSError as error:
        raise InputError(f"cannot read {path}: {error.strerror}") from error
    except UnicodeDecodeError as error:
        raise InputError(
            f"{path}: not UTF-8 text ({error.reason} at byte {error.start})"
        ) from error


def _check_storable(text: str, where: str) -> None:
    """InputError naming the first value of the JSON ``text`` that the database cannot
    store (a NUL, a lone surrogate, an integer beyond bigint, NaN, nesting too deep to
    read), as the API refuses it; text that is not JSON is left to the model's validation
    to name."""
    try:
        found = json_problem(text, sized=False)
    except ValueError:
        return
    if found is not None:
        location, message = found
        raise InputError(f"{where}: {location}: {message}")


def read_model(path: Path, model: type[ModelT]) -> ModelT:
    """A JSON file validated as a model; InputError names the file and field."""
    text = _read_text(path)
    _check_storable(text, str(path))
    try:
        return model.model_validate_json(text)
    except ValidationError as error:
        raise InputError(f"{path}: {describe(error)}") from error


def read_numbered_events(path: Path, tenant: str | None = None) -> list[tuple[int, ExceptionEvent]]:
    """Every event of a JSONL file with its line number, validated (and, with ``tenant``,
    checked to belong to it) before anything is ingested."""
    lines = _read_text(path).splitlines()
    events = []
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        _check_storable(line, f"{path}:{number}")
        try:
            event = ExceptionEvent.model_validate_json(line)
        except ValidationError as error:
            raise InputError(f"{path}:{number}: {describe(error)}") from error
        if tenant is not None and event.tenant_id not in (None, tenant):
            raise InputError(
                f"{path}:{number}: tenant_id {event.tenant_id!r} is not tenant {tenant!r}"
            )
        events.append((number, event))
    return events
