"""Every error answers JSON that says what is wrong: ``{"error": {code, message, location}}``."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

from exdesk.errors import (
    AuthenticationError,
    ConflictError,
    ExdeskError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
)
from exdesk.validation import format_location

_STATUS: list[tuple[type[ExdeskError], int, str]] = [
    (AuthenticationError, 401, "unauthenticated"),
    (PermissionDeniedError, 403, "forbidden"),
    (NotFoundError, 404, "not_found"),
    (ConflictError, 409, "conflict"),
    (InputError, 422, "invalid_request"),
]


def error_body(
    code: str, message: str, location: str | None = None, **extra: Any
) -> dict[str, Any]:
    """The one error shape of the API."""
    return {"error": {"code": code, "message": message, "location": location, **extra}}


def _location(loc: tuple[Any, ...] | list[Any]) -> str:
    return (
        format_location([p for p in loc if p not in ("body", "query", "path", "header")]) or "body"
    )


def install_error_handlers(app: FastAPI) -> None:
    """Map Exception Desk's errors and request validation to JSON responses."""

    @app.exception_handler(ExdeskError)
    async def exdesk_error(request: Request, error: ExdeskError) -> JSONResponse:
        status, code = next(
            ((s, c) for t, s, c in _STATUS if isinstance(error, t)), (500, "internal_error")
        )
        location = getattr(error, "location", None)
        headers = {"WWW-Authenticate": "Bearer"} if status == 401 else None
        return JSONResponse(error_body(code, error.message, location), status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        problems = [
            {
                "location": "body" if e["type"] == "json_invalid" else _location(e["loc"]),
                "message": e["msg"],
                "type": e["type"],
            }
            for e in error.errors()
        ]
        first = problems[0] if problems else {"location": "body", "message": "invalid request"}
        return JSONResponse(
            error_body(
                "invalid_request",
                f"{first['location']}: {first['message']}",
                first["location"],
                problems=problems[:20],
            ),
            422,
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        code = {404: "not_found", 405: "method_not_allowed"}.get(error.status_code, "http_error")
        return JSONResponse(error_body(code, str(error.detail)), error.status_code)
