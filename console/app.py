"""The API with the review console under ``/console`` (what ``exdesk serve`` runs)."""

from __future__ import annotations

import contextlib
import inspect
from importlib import resources
from typing import Final

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from exdesk.api.app import create_app as create_api
from exdesk.console import audit, case, queue, signin
from exdesk.console.web import SignInRequired, page, secured, sign_in_url, signed_in
from exdesk.errors import ExdeskError, NotFoundError, PermissionDeniedError
from exdesk.service import ExceptionDesk
from exdesk.settings import Settings

_STATIC: Final = {"console.js": "text/javascript", "console.css": "text/css"}


def _static(name: str) -> Response:
    media = _STATIC.get(name)
    if media is None:
        raise NotFoundError(f"no static file {name}")
    data = resources.files("exdesk.console").joinpath("static", name).read_bytes()
    response = secured(Response(data, media_type=media))
    response.headers["Cache-Control"] = "public, max-age=3600"
    return response


def install_console(app: FastAPI) -> None:
    """Add the console's pages, its static files and its error pages to ``app``."""
    for module in (signin, queue, case, audit):
        app.include_router(module.router)

    @app.get("/console/static/{name}", include_in_schema=False)
    def static_file(name: str) -> Response:
        return _static(name)

    @app.exception_handler(SignInRequired)
    async def to_sign_in(request: Request, error: SignInRequired) -> Response:
        return secured(RedirectResponse(sign_in_url(error.next_url), status_code=303))

    _html_errors(app)


def _html_errors(app: FastAPI) -> None:
    """On console paths, the API's JSON errors become pages a person can read."""
    json_handler = app.exception_handlers[ExdeskError]

    async def either(request: Request, error: Exception) -> Response:
        if not request.url.path.startswith("/console"):
            answered = json_handler(request, error)
            return await answered if inspect.isawaitable(answered) else answered
        assert isinstance(error, ExdeskError)
        status = 400
        if isinstance(error, NotFoundError):
            status = 404
        elif isinstance(error, PermissionDeniedError):
            status = 403
        session = None
        with contextlib.suppress(SignInRequired):
            session = signed_in(request)[0]
        response: HTMLResponse = page(
            "error.html", session, status_code=status, message=error.message
        )
        return response

    app.add_exception_handler(ExdeskError, either)
    json_invalid = app.exception_handlers[RequestValidationError]

    async def invalid(request: Request, error: Exception) -> Response:
        if not request.url.path.startswith("/console"):
            answered = json_invalid(request, error)
            return await answered if inspect.isawaitable(answered) else answered
        assert isinstance(error, RequestValidationError)
        fields = ", ".join(str(e["loc"][-1]) for e in error.errors())
        return page(
            "error.html", None, status_code=422, message=f"These fields are not valid: {fields}"
        )

    app.add_exception_handler(RequestValidationError, invalid)


def create_app(settings: Settings, desk: ExceptionDesk | None = None) -> FastAPI:
    """The API and the console, on one desk."""
    app = create_api(settings, desk)
    install_console(app)
    return app
