"""What every console page shares: templates from the package, the signed-in person from
the session cookie, the CSRF check on every form, and headers that keep pages to themselves."""

from __future__ import annotations

import hmac
import secrets
from typing import Annotated, Any, Final
from urllib.parse import quote

from fastapi import Depends, Request
from fastapi.responses import HTMLResponse, Response
from jinja2 import Environment, PackageLoader, select_autoescape

from exdesk.domain import Role
from exdesk.errors import AuthenticationError, PermissionDeniedError
from exdesk.service import ExceptionDesk
from exdesk.service.people import session_for
from exdesk.store.console_users import ConsoleSession

SESSION_COOKIE: Final = "exdesk_session"
SIGNIN_COOKIE: Final = "exdesk_signin"
"""A random value the sign-in form must carry back (double submit: no session yet)."""

LANDING: Final[dict[Role, str]] = {
    "cs_rep": "/console/queue",
    "ops": "/console/queue",
    "finance": "/console/queue",
    "admin": "/console/queue?all=1",
    "compliance": "/console/audit",
}
"""Each role's first page: the queue of what waits for it; compliance reads the log."""

_HEADERS: Final = {
    "Content-Security-Policy": "default-src 'self'; frame-ancestors 'none'; form-action 'self'",
    "X-Frame-Options": "DENY",
    "X-Content-Type-Options": "nosniff",
    "Referrer-Policy": "no-referrer",
    "Cache-Control": "no-store",
}

templates = Environment(
    loader=PackageLoader("exdesk.console", "templates"),
    autoescape=select_autoescape(["html"]),
    trim_blocks=True,
    lstrip_blocks=True,
)


class SignInRequired(Exception):  # noqa: N818 - control flow, not an error
    """The page needs a signed-in person: the handler sends the browser to sign in."""

    def __init__(self, next_url: str) -> None:
        super().__init__(next_url)
        self.next_url = next_url


def desk_of(request: Request) -> ExceptionDesk:
    """The application's desk."""
    desk: ExceptionDesk = request.app.state.desk
    return desk


def signed_in(request: Request) -> tuple[ConsoleSession, str]:
    """The live session of the request's cookie and its token; SignInRequired otherwise."""
    token = request.cookies.get(SESSION_COOKIE)
    session = session_for(desk_of(request).db, token) if token else None
    if session is None or token is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise SignInRequired(target)
    return session, token


Viewer = Annotated[tuple[ConsoleSession, str], Depends(signed_in)]


def check_csrf(session: ConsoleSession, presented: str | None) -> None:
    """Refuse a form that does not carry the session's token."""
    if not presented or not hmac.compare_digest(presented, session.csrf_token):
        raise AuthenticationError("the form is out of date: reload the page and try again")


def need_role(session: ConsoleSession, *roles: Role) -> None:
    """Refuse a page the person's roles do not open."""
    if not session.roles.intersection(roles):
        raise PermissionDeniedError(f"this page needs one of the roles: {', '.join(roles)}")


def landing(session: ConsoleSession) -> str:
    """Where a person starts: the first page their roles open, queue before log."""
    order: tuple[Role, ...] = ("cs_rep", "ops", "finance", "admin", "compliance")
    for role in order:
        if role in session.roles:
            return LANDING[role]
    return "/console/queue"


def page(
    name: str,
    session: ConsoleSession | None,
    *,
    status_code: int = 200,
    **context: Any,
) -> HTMLResponse:
    """A rendered page with the console's headers."""
    html = templates.get_template(name).render(session=session, **context)
    return HTMLResponse(html, status_code=status_code, headers=_HEADERS)


def secured(response: Response) -> Response:
    """The console's headers on any response."""
    response.headers.update(_HEADERS)
    return response


def cookie_secure(request: Request) -> bool:
    """Whether the session cookie is ``Secure`` (settings: auto, always, never)."""
    mode = desk_of(request).settings.console_secure_cookie
    return mode == "always" or (mode == "auto" and request.url.scheme == "https")


def new_signin_token() -> str:
    """A fresh value for the sign-in form's double-submit check."""
    return secrets.token_urlsafe(24)


def sign_in_url(next_url: str) -> str:
    """The sign-in page that returns to ``next_url`` afterwards."""
    return "/console/sign-in?next=" + quote(next_url, safe="")
