"""Limits checked before any route runs: the body's size (413, read no further), and text,
numbers and nesting no database can store (422 naming the field) in the path, the query
and a JSON body. A pure ASGI middleware, so nothing is parsed before it has said yes."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import parse_qsl

from fastapi.responses import JSONResponse
from starlette.routing import BaseRoute, Match
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from exdesk.api.errors import error_body
from exdesk.validation import json_problem, text_problem

_BODY_METHODS = frozenset({"POST", "PUT", "PATCH"})


class _BodyTooLargeError(Exception):
    """The body went past the limit while streaming."""


class RequestLimits:
    """Refuse what no route should see: bodies over ``max_body_bytes`` (413, by their
    Content-Length before reading, or while streaming), and unstorable values (422)."""

    def __init__(self, app: ASGIApp, max_body_bytes: int, routes: Iterable[BaseRoute]) -> None:
        self.app = app
        self.max_body_bytes = max_body_bytes
        self.routes = list(routes)

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        problem = self._path_problem(scope) or _query_problem(scope)
        if problem is not None:
            await _refuse(scope, receive, send, 422, *problem)
            return
        if scope["method"] not in _BODY_METHODS:
            await self.app(scope, receive, send)
            return
        declared = _content_length(scope)
        if declared is not None and declared > self.max_body_bytes:
            await _too_large(scope, receive, send, self.max_body_bytes)
            return
        try:
            body = await self._read(receive)
        except _BodyTooLargeError:
            await _too_large(scope, receive, send, self.max_body_bytes)
            return
        if body and _is_json(scope):
            found = _body_problem(body)
            if found is not None:
                await _refuse(scope, receive, send, 422, *found)
                return
        await self.app(scope, _replay(body, receive), send)

    async def _read(self, receive: Receive) -> bytes:
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] == "http.disconnect":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_body_bytes:
                raise _BodyTooLargeError
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        return b"".join(chunks)

    def _path_problem(self, scope: Scope) -> tuple[str, str] | None:
        path = scope.get("path", "")
        if text_problem(path) is None:
            return None
        for route in self.routes:
            match, child = route.matches(scope)
            if match == Match.FULL:
                for name, value in child.get("path_params", {}).items():
                    problem = text_problem(str(value))
                    if problem is not None:
                        return name, problem
        return "path", str(text_problem(path))


def _query_problem(scope: Scope) -> tuple[str, str] | None:
    raw = scope.get("query_string", b"")
    if not raw:
        return None
    pairs = parse_qsl(
        raw.decode("latin-1"), keep_blank_values=True, encoding="utf-8", errors="surrogatepass"
    )
    for name, value in pairs:
        for text in (name, value):
            problem = text_problem(text)
            if problem is not None:
                return (name if text is value else "query"), problem
    return None


def _body_problem(body: bytes) -> tuple[str, str] | None:
    try:
        return json_problem(body)
    except ValueError as error:  # not UTF-8, or not JSON: nothing downstream could read it
        return "body", f"the body is not JSON: {type(error).__name__}"


def _content_length(scope: Scope) -> int | None:
    for name, value in scope.get("headers", []):
        if name == b"content-length":
            try:
                return int(value)
            except ValueError:
                return None
    return None


def _is_json(scope: Scope) -> bool:
    for name, value in scope.get("headers", []):
        if name == b"content-type":
            return b"json" in value.lower()
    return True  # a body without a type is read as JSON by the routes


def _replay(body: bytes, receive: Receive) -> Receive:
    sent = False

    async def replayed() -> Message:
        nonlocal sent
        if not sent:
            sent = True
            return {"type": "http.request", "body": body, "more_body": False}
        return await receive()

    return replayed


async def _too_large(scope: Scope, receive: Receive, send: Send, limit: int) -> None:
    message = f"the request body is larger than {limit} bytes"
    response = JSONResponse(
        error_body("too_large", message, "body"), 413, headers={"Connection": "close"}
    )
    await response(scope, receive, send)


async def _refuse(
    scope: Scope, receive: Receive, send: Send, status: int, location: str, message: str
) -> None:
    body: dict[str, Any] = error_body("invalid_request", f"{location}: {message}", location)
    await JSONResponse(body, status)(scope, receive, send)
