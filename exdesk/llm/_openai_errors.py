"""SDK and HTTP failures of the ``openai`` client as the typed errors of
:mod:`exdesk.errors`, one class per cause."""

from __future__ import annotations

import email.utils
import math
import time

import httpx2
import openai

from exdesk.errors import (
    AgentError,
    ModelConnectionError,
    ModelRateLimitError,
    ModelRequestError,
    ModelServerError,
    ModelTimeoutError,
)

_DETAIL_CHARS = 300
"""How much of the endpoint's error message is kept (it can be a whole HTML page)."""


def model_error(
    error: openai.OpenAIError, *, agent: str, engine: str, timeout: float | None
) -> AgentError | None:
    """The typed error for a failed request; None for an SDK error that is not about the
    endpoint (a misuse of the SDK must surface as itself)."""
    detail = str(error)[:_DETAIL_CHARS]
    if isinstance(error, openai.APITimeoutError):
        return ModelTimeoutError(
            f"{agent}: no answer from the model within {timeout} s",
            agent=agent,
            engine=engine,
            timeout_seconds=timeout,
        )
    if isinstance(error, openai.APIConnectionError):
        return ModelConnectionError(
            f"{agent}: the model endpoint could not be reached ({detail})",
            agent=agent,
            engine=engine,
        )
    if isinstance(error, openai.RateLimitError):
        retry_after = retry_after_seconds(error.response.headers)
        return ModelRateLimitError(
            f"{agent}: the model endpoint is rate-limiting (retry after {retry_after} s)",
            agent=agent,
            engine=engine,
            retry_after_seconds=retry_after,
        )
    if isinstance(error, openai.APIStatusError | openai.APIResponseValidationError):
        status = error.status_code
        if 400 <= status < 500:
            return ModelRequestError(
                f"{agent}: the model endpoint rejected the request: {detail}",
                agent=agent,
                engine=engine,
                status_code=status,
            )
        return ModelServerError(
            f"{agent}: the model endpoint failed: {detail}",
            agent=agent,
            engine=engine,
            status_code=status,
        )
    return None


def retry_after_seconds(headers: httpx2.Headers) -> float | None:
    """The wait a 429 asks for: ``retry-after-ms``, ``retry-after`` in seconds or as an
    HTTP date (None when absent or unreadable)."""
    milliseconds = _number(headers.get("retry-after-ms"))
    if milliseconds is not None:
        return milliseconds / 1000
    value = headers.get("retry-after")
    seconds = _number(value)
    if seconds is not None or value is None:
        return seconds
    try:
        at = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, at.timestamp() - time.time())


def _number(value: str | None) -> float | None:
    try:
        number = float(value) if value is not None else None
    except ValueError:
        return None
    return number if number is not None and math.isfinite(number) and number >= 0 else None
