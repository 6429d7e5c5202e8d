"""Every error answers JSON that says what is wrong: ``{"error": {code, message, location}}``."""

from __future__ import annotations

import logging
from typing import Any, Literal

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from psycopg import OperationalError
from psycopg_pool import PoolTimeout
from pydantic import BaseModel, Field
from starlette.exceptions import HTTPException as StarletteHTTPException

from exdesk.errors import (
    AuthenticationError,
    ConflictError,
    ExdeskError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
    RateLimitedError,
)
from exdesk.validation import format_location

ErrorCode = Literal[
    "unauthenticated",
    "forbidden",
    "not_found",
    "conflict",
    "invalid_request",
    "method_not_allowed",
    "http_error",
    "too_large",
    "rate_limited",
    "unavailable",
    "internal_error",
]
"""What went wrong, for a program to act on; the message says it to a person."""


class ValidationProblem(BaseModel):
    """One problem of a request that did not validate."""

    location: str = Field(description="The parameter or field: `limit`, `decision`, `body`…")
    message: str
    type: str = Field(description="The kind of problem: `missing`, `enum`, `json_invalid`…")


class ErrorDetail(BaseModel):
    """What is wrong, and where."""

    code: ErrorCode
    message: str = Field(description="For a person: what is wrong and what to do about it.")
    location: str | None = Field(
        description="Where the problem is: a parameter, a field as a document names it "
        "(`[2].occurred_at`, `orders[3].lines[0].sku`, `edited.body`) or `body`; null when "
        "no part of the request is at fault (authentication, roles, an unknown id…)."
    )
    problems: list[ValidationProblem] = Field(
        default_factory=list,
        description="Request validation only: the first 20 problems, the first one located "
        "by `location`.",
    )


class ErrorResponse(BaseModel):
    """The one shape of every error the API answers."""

    error: ErrorDetail


logger = logging.getLogger(__name__)

_STATUS: list[tuple[type[ExdeskError], int, ErrorCode]] = [
    (AuthenticationError, 401, "unauthenticated"),
    (PermissionDeniedError, 403, "forbidden"),
    (NotFoundError, 404, "not_found"),
    (ConflictError, 409, "conflict"),
    (InputError, 422, "invalid_request"),
    (RateLimitedError, 429, "rate_limited"),
]

_HTTP_CODES: dict[int, ErrorCode] = {
    404: "not_found",
    405: "method_not_allowed",
    413: "too_large",
}

_MEANING = {
    401: "No API key, or an unknown or revoked one (`unauthenticated`)",
    403: "The caller's roles do not allow this (`forbidden`)",
    404: "Nothing of that id in the caller's tenant (`not_found`)",
    409: "The state moved on, e.g. the approval was already decided (`conflict`)",
    413: "The body is larger than the service reads (`too_large`); nothing was read further",
    422: "The request is invalid; `location` names the parameter or field (`invalid_request`)",
    429: "Too many requests with this key, or failed sign-ins from this address: try again "
    "after `Retry-After` seconds (`rate_limited`)",
    500: "Something failed inside the service (`internal_error`); nothing was half-done",
    503: "Busy or briefly out of reach: try again after `Retry-After` seconds (`unavailable`)",
}

RETRY_AFTER_SECONDS = 2
"""What a 503 asks the client to wait."""


def error_responses(*statuses: int) -> dict[int | str, dict[str, Any]]:
    """The ``responses=`` entries of error statuses a route (or router) answers."""
    return {s: {"model": ErrorResponse, "description": _MEANING[s]} for s in statuses}


def error_body(
    code: ErrorCode,
    message: str,
    location: str | None = None,
    problems: list[ValidationProblem] | None = None,
) -> dict[str, Any]:
    """The one error shape of the API (``problems`` only when given)."""
    detail = ErrorDetail(code=code, message=message, location=location)
    if problems is not None:
        detail.problems = problems
    return ErrorResponse(error=detail).model_dump(mode="json", exclude_unset=True)


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
        if isinstance(error, RateLimitedError):
            headers = {"Retry-After": str(error.retry_after_seconds)}
        return JSONResponse(error_body(code, error.message, location), status, headers=headers)

    @app.exception_handler(RequestValidationError)
    async def validation_error(request: Request, error: RequestValidationError) -> JSONResponse:
        problems = [
            ValidationProblem(
                location="body" if e["type"] == "json_invalid" else _location(e["loc"]),
                message=e["msg"],
                type=e["type"],
            )
            for e in error.errors()
        ]
        first = (
            problems[0]
            if problems
            else ValidationProblem(
                location="body", message="invalid request", type="invalid_request"
            )
        )
        return JSONResponse(
            error_body(
                "invalid_request",
                f"{first.location}: {first.message}",
                first.location,
                problems=problems[:20],
            ),
            422,
        )

    @app.exception_handler(PoolTimeout)
    @app.exception_handler(OperationalError)
    async def unavailable(request: Request, error: Exception) -> JSONResponse:
        return JSONResponse(
            error_body("unavailable", "the service is busy or its database briefly out of reach"),
            503,
            headers={"Retry-After": str(RETRY_AFTER_SECONDS)},
        )

    @app.exception_handler(Exception)
    async def internal_error(request: Request, error: Exception) -> JSONResponse:
        route = getattr(request.scope.get("route"), "path", "?")
        logger.error("unexpected %s answering %s %s", type(error).__name__, request.method, route)
        return JSONResponse(
            error_body("internal_error", "the service failed to answer; try again later"), 500
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(request: Request, error: StarletteHTTPException) -> JSONResponse:
        code = _HTTP_CODES.get(error.status_code, "http_error")
        return JSONResponse(error_body(code, str(error.detail)), error.status_code)
