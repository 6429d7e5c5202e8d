"""Request dependencies: the desk, and the authenticated principal with its roles."""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated

from fastapi import Depends, Header, Query, Request

from exdesk.api.rate_limits import RateLimits
from exdesk.domain import Role
from exdesk.errors import AuthenticationError, PermissionDeniedError
from exdesk.service import ExceptionDesk
from exdesk.store.api_keys import Principal, authenticate, looks_like_key


def get_desk(request: Request) -> ExceptionDesk:
    """The application's desk, opened by the lifespan."""
    desk: ExceptionDesk = request.app.state.desk
    return desk


DeskDep = Annotated[ExceptionDesk, Depends(get_desk)]


def get_rate_limits(request: Request) -> RateLimits:
    """The application's rate limits."""
    limits: RateLimits = request.app.state.rate_limits
    return limits


def get_principal(
    request: Request,
    desk: DeskDep,
    authorization: Annotated[str | None, Header()] = None,
    x_api_key: Annotated[str | None, Header()] = None,
) -> Principal:
    """Who is calling, from ``Authorization: Bearer <key>`` or ``X-API-Key``; its key's
    request rate, and the failed authentications of its address, are limited (429)."""
    limits = get_rate_limits(request)
    address = request.client.host if request.client else "unknown"
    limits.check_address(address)
    try:
        principal = _authenticated(desk, authorization, x_api_key)
    except AuthenticationError:
        limits.note_failure(address)
        raise
    limits.take(principal.key_id)
    return principal


def _authenticated(
    desk: ExceptionDesk, authorization: str | None, x_api_key: str | None
) -> Principal:
    presented = x_api_key
    if authorization:
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() != "bearer" or not value.strip():
            raise AuthenticationError("use 'Authorization: Bearer <api key>'")
        presented = value.strip()
    if not presented:
        raise AuthenticationError("an API key is required ('Authorization: Bearer <api key>')")
    if not looks_like_key(presented):
        raise AuthenticationError("the API key is unknown, revoked or expired")
    with desk.db.connection() as conn:
        principal = authenticate(conn, presented)
    if principal is None:
        raise AuthenticationError("the API key is unknown, revoked or expired")
    return principal


def require_roles(*roles: Role) -> Callable[[Principal], Principal]:
    """A dependency that admits callers holding any of ``roles``."""

    def check(principal: Annotated[Principal, Depends(get_principal)]) -> Principal:
        if not principal.roles.intersection(roles):
            raise PermissionDeniedError(f"this needs one of the roles: {', '.join(roles)}")
        return principal

    return check


Ingester = Annotated[Principal, Depends(require_roles("integration", "ops", "cs_rep", "admin"))]
Reader = Annotated[
    Principal, Depends(require_roles("cs_rep", "ops", "finance", "compliance", "admin"))
]
Decider = Annotated[Principal, Depends(require_roles("cs_rep", "ops", "finance"))]
"""Approvals need the approval's own role: admin administers keys, it does not approve."""
NetworkLoader = Annotated[Principal, Depends(require_roles("integration", "admin"))]
Auditor = Annotated[Principal, Depends(require_roles("compliance", "admin"))]
Operator = Annotated[Principal, Depends(require_roles("ops", "admin"))]
"""Runs the service: the outbox's dead letters and their replay."""


WaitSeconds = Annotated[
    float,
    Query(
        ge=0,
        le=30,
        description="Seconds to wait for the case's next stop before answering (queue mode).",
    ),
]
