"""People who sign in to the console: users with roles per tenant, argon2 password hashes,
sessions, and lockout after repeated failures. The console and ``exdesk users`` call here."""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Final

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

from exdesk.domain import Role
from exdesk.errors import AuthenticationError, InputError, NotFoundError
from exdesk.policies.approvals import same_person
from exdesk.store.api_keys import Principal
from exdesk.store.console_users import (
    ConsoleSession,
    ConsoleUser,
    clear_failures,
    disable_user,
    end_session,
    get_user,
    insert_session,
    insert_user,
    list_users,
    live_session,
    record_failure,
)
from exdesk.store.database import Database

LOCK_AFTER: Final = 5
"""Failed sign-ins in a row that lock a user."""
LOCK_FOR: Final = timedelta(minutes=15)
"""How long a locked user waits."""
SESSION_LIFETIME: Final = timedelta(hours=8)
"""A working day; then the person signs in again."""
MIN_PASSWORD_LENGTH: Final = 12

_hasher = PasswordHasher()
_DUMMY_HASH: Final = _hasher.hash("an unknown user costs as much as a known one")
"""Checked against when the user is unknown, so timing does not tell who exists."""


@dataclass(frozen=True)
class SignedIn:
    """A new session: the token for the cookie (shown once) and the session it opens."""

    token: str
    session: ConsoleSession


def session_principal(session: ConsoleSession) -> Principal:
    """Who decides in a console session: the person, recorded with ``via = session``."""
    return Principal(
        session.tenant_id,
        session.user_name,
        session.roles,
        key_id=f"session:{session.session_id}",
        via="session",
    )


def create_user(
    db: Database, tenant_id: str, user_name: str, roles: Sequence[Role], password: str
) -> ConsoleUser:
    """A new user of the tenant (names are compared case-folded and trimmed)."""
    name = same_person(user_name)
    if not name:
        raise InputError("a user name is required", location="user")
    if not roles:
        raise InputError("a user needs at least one role", location="roles")
    if "integration" in roles:
        raise InputError("integration is a role for systems (API keys), not people")
    if len(password) < MIN_PASSWORD_LENGTH:
        raise InputError(
            f"a password needs at least {MIN_PASSWORD_LENGTH} characters", location="password"
        )
    with db.connection() as conn:
        insert_user(conn, tenant_id, name, list(roles), _hasher.hash(password))
        user = get_user(conn, tenant_id, name)
    assert user is not None
    return user


def disable(db: Database, tenant_id: str, user_name: str) -> None:
    """Disable a user: no sign-in, and their open sessions end now."""
    with db.transaction() as conn:
        if not disable_user(conn, tenant_id, same_person(user_name)):
            raise NotFoundError(f"user {user_name} not found in tenant {tenant_id}")


def users(db: Database, tenant_id: str) -> list[ConsoleUser]:
    """The tenant's users."""
    with db.connection() as conn:
        return list_users(conn, tenant_id)


def sign_in(db: Database, tenant_id: str, user_name: str, password: str) -> SignedIn:
    """A session for a person whose password matches; AuthenticationError otherwise (one
    message for an unknown user and a wrong password; a locked user is told to wait)."""
    name = same_person(user_name)
    with db.transaction() as conn:
        user = get_user(conn, tenant_id, name)
        refusal = _refusal(user, password)
        if refusal is not None:
            if user is not None and refusal == _WRONG:
                record_failure(conn, tenant_id, name, lock_after=LOCK_AFTER, lock_for=LOCK_FOR)
            session = None
        else:
            clear_failures(conn, tenant_id, name)
            token = secrets.token_urlsafe(32)
            insert_session(
                conn,
                token=token,
                tenant_id=tenant_id,
                user_name=name,
                csrf_token=secrets.token_urlsafe(32),
                lifetime=SESSION_LIFETIME,
            )
            session = live_session(conn, token)
    # raised after the transaction, so a failure is counted even though sign-in fails
    if refusal is not None:
        raise AuthenticationError(refusal)
    assert session is not None
    return SignedIn(token, session)


_WRONG: Final = "the user name or password is wrong"


def _refusal(user: ConsoleUser | None, password: str) -> str | None:
    """Why this sign-in is refused, or None."""
    if user is None or user.disabled:
        _matches(_DUMMY_HASH, password)
        return _WRONG
    if user.locked_until is not None and user.locked_until > datetime.now(UTC):
        return f"too many failed sign-ins: try again after {user.locked_until:%H:%M} UTC"
    return None if _matches(user.password_hash, password) else _WRONG


def session_for(db: Database, token: str) -> ConsoleSession | None:
    """The live session a cookie's token opens, if any."""
    with db.connection() as conn:
        return live_session(conn, token)


def sign_out(db: Database, token: str) -> None:
    """End the session the token opens."""
    with db.connection() as conn:
        end_session(conn, token)


def _matches(hashed: str, password: str) -> bool:
    try:
        return _hasher.verify(hashed, password)
    except (VerificationError, InvalidHashError):
        return False
