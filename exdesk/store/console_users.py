"""People who sign in to the console and their sessions: rows only (hashing, lockout
rules and tokens are the service's, ``exdesk.service.people``)."""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from psycopg import Connection
from psycopg.errors import UniqueViolation
from psycopg.rows import DictRow

from exdesk.domain import Role
from exdesk.errors import ConflictError


@dataclass(frozen=True)
class ConsoleUser:
    """A person of one tenant, with the roles they act in."""

    tenant_id: str
    user_name: str
    roles: frozenset[Role]
    password_hash: str
    disabled: bool
    failed_attempts: int
    locked_until: datetime | None
    created_at: datetime


@dataclass(frozen=True)
class ConsoleSession:
    """A signed-in person: whose session, and the token every form must carry back."""

    session_id: str
    """The first 12 hex digits of the token's hash: names the session, never opens it."""
    tenant_id: str
    user_name: str
    roles: frozenset[Role]
    csrf_token: str
    expires_at: datetime


def token_digest(token: str) -> str:
    """What is stored of a session token: its SHA-256."""
    return hashlib.sha256(token.encode()).hexdigest()


def _user(row: dict[str, Any]) -> ConsoleUser:
    return ConsoleUser(
        tenant_id=row["tenant_id"],
        user_name=row["user_name"],
        roles=frozenset(row["roles"]),
        password_hash=row["password_hash"],
        disabled=row["disabled_at"] is not None,
        failed_attempts=row["failed_attempts"],
        locked_until=row["locked_until"],
        created_at=row["created_at"],
    )


def insert_user(
    conn: Connection[DictRow], tenant_id: str, user_name: str, roles: list[Role], hashed: str
) -> None:
    """A new user; ConflictError when the tenant already has one of that name."""
    try:
        with conn.transaction():
            conn.execute(
                "INSERT INTO console_users (tenant_id, user_name, roles, password_hash)"
                " VALUES (%s, %s, %s, %s)",
                (tenant_id, user_name, sorted(set(roles)), hashed),
            )
    except UniqueViolation as error:
        raise ConflictError(f"user {user_name} already exists in tenant {tenant_id}") from error


def get_user(conn: Connection[DictRow], tenant_id: str, user_name: str) -> ConsoleUser | None:
    """One user of a tenant."""
    row = conn.execute(
        "SELECT * FROM console_users WHERE tenant_id=%s AND user_name=%s",
        (tenant_id, user_name),
    ).fetchone()
    return None if row is None else _user(row)


def list_users(conn: Connection[DictRow], tenant_id: str) -> list[ConsoleUser]:
    """The tenant's users by name."""
    rows = conn.execute(
        "SELECT * FROM console_users WHERE tenant_id=%s ORDER BY user_name", (tenant_id,)
    ).fetchall()
    return [_user(row) for row in rows]


def disable_user(conn: Connection[DictRow], tenant_id: str, user_name: str) -> bool:
    """Disable a user and end their sessions; False when there is no such user."""
    row = conn.execute(
        "UPDATE console_users SET disabled_at = coalesce(disabled_at, now())"
        " WHERE tenant_id=%s AND user_name=%s RETURNING user_name",
        (tenant_id, user_name),
    ).fetchone()
    conn.execute(
        "UPDATE console_sessions SET ended_at = now()"
        " WHERE tenant_id=%s AND user_name=%s AND ended_at IS NULL",
        (tenant_id, user_name),
    )
    return row is not None


def record_failure(
    conn: Connection[DictRow],
    tenant_id: str,
    user_name: str,
    *,
    lock_after: int,
    lock_for: timedelta,
) -> None:
    """Count a failed sign-in; the ``lock_after``-th in a row locks the user for
    ``lock_for`` (and starts the count again)."""
    conn.execute(
        "UPDATE console_users SET"
        " locked_until = CASE WHEN failed_attempts + 1 >= %(after)s"
        "   THEN now() + %(for)s ELSE locked_until END,"
        " failed_attempts = CASE WHEN failed_attempts + 1 >= %(after)s"
        "   THEN 0 ELSE failed_attempts + 1 END"
        " WHERE tenant_id=%(tenant)s AND user_name=%(user)s",
        {"after": lock_after, "for": lock_for, "tenant": tenant_id, "user": user_name},
    )


def clear_failures(conn: Connection[DictRow], tenant_id: str, user_name: str) -> None:
    """A successful sign-in forgets the failures before it."""
    conn.execute(
        "UPDATE console_users SET failed_attempts = 0, locked_until = NULL"
        " WHERE tenant_id=%s AND user_name=%s",
        (tenant_id, user_name),
    )


def insert_session(
    conn: Connection[DictRow],
    *,
    token: str,
    tenant_id: str,
    user_name: str,
    csrf_token: str,
    lifetime: timedelta,
) -> None:
    """Store a new session under its token's digest."""
    conn.execute(
        "INSERT INTO console_sessions (token_sha256, tenant_id, user_name, csrf_token,"
        " expires_at) VALUES (%s, %s, %s, %s, now() + %s)",
        (token_digest(token), tenant_id, user_name, csrf_token, lifetime),
    )


def live_session(conn: Connection[DictRow], token: str) -> ConsoleSession | None:
    """The session a token opens: not ended, not expired, its user not disabled."""
    row = conn.execute(
        "SELECT s.token_sha256, s.tenant_id, s.user_name, s.csrf_token, s.expires_at, u.roles"
        " FROM console_sessions s JOIN console_users u USING (tenant_id, user_name)"
        " WHERE s.token_sha256=%s AND s.ended_at IS NULL AND s.expires_at > now()"
        " AND u.disabled_at IS NULL",
        (token_digest(token),),
    ).fetchone()
    if row is None:
        return None
    return ConsoleSession(
        session_id=row["token_sha256"][:12],
        tenant_id=row["tenant_id"],
        user_name=row["user_name"],
        roles=frozenset(row["roles"]),
        csrf_token=row["csrf_token"],
        expires_at=row["expires_at"],
    )


def end_session(conn: Connection[DictRow], token: str) -> None:
    """Sign out: the token opens nothing any more."""
    conn.execute(
        "UPDATE console_sessions SET ended_at = now() WHERE token_sha256=%s AND ended_at IS NULL",
        (token_digest(token),),
    )
