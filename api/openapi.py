"""What the published OpenAPI document says beyond what FastAPI infers from the routes."""

from __future__ import annotations

import json
from typing import Any

from fastapi import FastAPI
from pydantic import PlainValidator

_FASTAPI_ERROR_SCHEMAS = ("HTTPValidationError", "ValidationError")
_FASTAPI_422 = {"$ref": "#/components/schemas/HTTPValidationError"}


def _as_received(body: Any) -> Any:
    return body


def documented_as(schema_type: Any) -> PlainValidator:
    """Take a request body as it arrives while publishing it as ``schema_type``.

    For a route that validates its body itself, to locate problems as users read them
    (``[2].occurred_at``, ``orders[3].lines[0].sku``); the schema still names the real
    body, its component schemas emitted by FastAPI like any other.
    """
    return PlainValidator(_as_received, json_schema_input_type=schema_type)


def without_default_validation_errors(document: dict[str, Any]) -> dict[str, Any]:
    """The document without FastAPI's own 422 (``HTTPValidationError``).

    FastAPI adds it to every operation with a parameter that does not declare a 422, in a
    shape this API never answers (its 422 is an ``ErrorResponse``). An operation that can
    answer 422 declares it; on the others (a header-only parameter such as the API key)
    the default is untrue.
    """
    for path_item in document.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.get("responses", {}) if isinstance(operation, dict) else {}
            schema = responses.get("422", {}).get("content", {}).get("application/json", {})
            if schema.get("schema") == _FASTAPI_422:
                del responses["422"]
    schemas = document.get("components", {}).get("schemas", {})
    for name in _FASTAPI_ERROR_SCHEMAS:
        if f'"#/components/schemas/{name}"' not in json.dumps(document):
            schemas.pop(name, None)
    return document


def publish_declared_errors_only(app: FastAPI) -> None:
    """Make ``app.openapi()`` (and ``/openapi.json``) publish only the declared statuses."""
    generate = app.openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            app.openapi_schema = without_default_validation_errors(generate())
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]
