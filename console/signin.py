"""Sign in and sign out."""

from __future__ import annotations

import hmac
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from exdesk.console.web import (
    SESSION_COOKIE,
    SIGNIN_COOKIE,
    Viewer,
    check_csrf,
    cookie_secure,
    desk_of,
    landing,
    new_signin_token,
    page,
    secured,
)
from exdesk.errors import AuthenticationError
from exdesk.service.people import SESSION_LIFETIME, sign_in, sign_out

router = APIRouter(prefix="/console", include_in_schema=False)


def _safe_next(next_url: str | None) -> str | None:
    """Only a console path: never another site (an open redirect)."""
    if next_url and next_url.startswith("/console") and not next_url.startswith("//"):
        return next_url
    return None


def _form(request: Request, *, error: str | None = None, status: int = 200) -> Response:
    token = new_signin_token()
    response = page(
        "signin.html",
        None,
        status_code=status,
        error=error,
        signin_token=token,
        tenant=desk_of(request).settings.tenant,
        next_url=_safe_next(request.query_params.get("next")) or "",
    )
    response.set_cookie(
        SIGNIN_COOKIE,
        token,
        httponly=True,
        samesite="strict",
        secure=cookie_secure(request),
        path="/console",
    )
    return response


@router.get("/sign-in")
def sign_in_form(request: Request) -> Response:
    """The sign-in form."""
    return _form(request)


@router.post("/sign-in")
def sign_in_submit(
    request: Request,
    user: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    tenant: Annotated[str, Form(max_length=200)],
    signin_token: Annotated[str, Form(max_length=200)],
    next_url: Annotated[str, Form(alias="next", max_length=2000)] = "",
) -> Response:
    """Check the password; on success a session cookie and the person's landing page."""
    expected = request.cookies.get(SIGNIN_COOKIE, "")
    if not expected or not hmac.compare_digest(expected, signin_token):
        return _form(request, error="The form is out of date: please sign in again.", status=400)
    desk = desk_of(request)
    try:
        signed = sign_in(desk.db, tenant.strip(), user, password)
    except AuthenticationError as error:
        return _form(request, error=error.message.capitalize() + ".", status=401)
    target = _safe_next(next_url) or landing(signed.session)
    response = secured(RedirectResponse(target, status_code=303))
    response.set_cookie(
        SESSION_COOKIE,
        signed.token,
        max_age=int(SESSION_LIFETIME.total_seconds()),
        httponly=True,
        samesite="strict",
        secure=cookie_secure(request),
        path="/",
    )
    response.delete_cookie(SIGNIN_COOKIE, path="/console")
    return response


@router.post("/sign-out")
def sign_out_submit(
    request: Request, viewer: Viewer, csrf_token: Annotated[str, Form(max_length=200)]
) -> Response:
    """End the session."""
    session, token = viewer
    check_csrf(session, csrf_token)
    sign_out(desk_of(request).db, token)
    response = secured(RedirectResponse("/console/sign-in", status_code=303))
    response.delete_cookie(SESSION_COOKIE, path="/")
    return response
