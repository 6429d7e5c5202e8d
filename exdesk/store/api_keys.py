"""API keys: one tenant, one user, one or more roles; only a hash of the secret is stored.

A key may expire; a revoked or expired key is refused on the request after, since every
request reads the key's row (nothing caches it). Each use records the time, to the minute.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from psycopg import Connection
from psycopg.rows import DictRow

from exdesk.domain import DecisionVia, Role

KEY_PREFIX = "exd"
_KEY_SHAPE = re.compile(r"[A-Za-z0-9_-]{1,200}")


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's tenant, user and roles, and the key's id (``cli`` for a
    local operator), so a decision can record how its person was identified."""

    tenant_id: str
    user: str
    roles: frozenset[Role]
    key_id: str
    via: DecisionVia = "api_key"
    """How the caller was identified: an API key, a console session, or the local CLI."""

    def has(self, role: Role) -> bool:
        """Whether the caller holds a role."""
        return role in self.roles


@dataclass(frozen=True)
class ApiKeyInfo:
    """What ``exdesk keys list`` shows of a key (never its secret)."""

    key_id: str
    tenant_id: str
    user: str
    roles: tuple[str, ...]
    created_at: datetime
    expires_at: datetime | None
    last_used_at: datetime | None
    revoked_at: datetime | None
    replaced_by: str | None

    def state(self, now: datetime) -> str:
        """``active``, ``revoked`` or ``expired``."""
        if self.revoked_at is not None:
            return "revoked"
        if self.expires_at is not None and self.expires_at <= now:
            return "expired"
        return "active"


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def looks_like_key(presented: str) -> bool:
    """Whether a presented value could be a key at all (letters, digits, ``_``, ``-``)."""
    return _KEY_SHAPE.fullmatch(presented) is not None


def create_key(
    conn: Connection[DictRow],
    *,
    tenant_id: str,
    user: str,
    roles: Sequence[Role],
    expires_in_days: float | None = None,
) -> tuple[str, str]:
    """Create a key; return (key_id, the full key). The full key is shown once, never stored."""
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    expires = timedelta(days=expires_in_days) if expires_in_days is not None else None
    conn.execute(
        "INSERT INTO api_keys (key_id, tenant_id, user_name, roles, secret_sha256, expires_at)"
        " VALUES (%s, %s, %s, %s, %s, now() + %s)",
        (key_id, tenant_id, user, sorted(set(roles)), _sha256(secret), expires),
    )
    return key_id, f"{KEY_PREFIX}_{key_id}_{secret}"


def authenticate(conn: Connection[DictRow], presented: str) -> Principal | None:
    """The principal a presented key belongs to, or None if it is unknown, revoked or
    expired. Records the use (at most once a minute per key)."""
    prefix, _, rest = presented.partition("_")
    key_id, _, secret = rest.partition("_")
    if prefix != KEY_PREFIX or not key_id or not secret or not looks_like_key(presented):
        return None
    row = conn.execute(
        "SELECT tenant_id, user_name, roles, secret_sha256, last_used_at > now() - interval"
        " '1 minute' AS recent FROM api_keys WHERE key_id=%s AND revoked_at IS NULL"
        " AND (expires_at IS NULL OR expires_at > now())",
        (key_id,),
    ).fetchone()
    if row is None or not hmac.compare_digest(row["secret_sha256"], _sha256(secret)):
        return None
    if not row["recent"]:
        conn.execute("UPDATE api_keys SET last_used_at = now() WHERE key_id=%s", (key_id,))
    return Principal(row["tenant_id"], row["user_name"], frozenset(row["roles"]), key_id)


def list_keys(conn: Connection[DictRow], tenant_id: str) -> list[ApiKeyInfo]:
    """The tenant's keys, oldest first."""
    rows = conn.execute(
        "SELECT key_id, tenant_id, user_name, roles, created_at, expires_at, last_used_at,"
        " revoked_at, replaced_by FROM api_keys WHERE tenant_id=%s ORDER BY created_at, key_id",
        (tenant_id,),
    ).fetchall()
    return [
        ApiKeyInfo(
            r["key_id"],
            r["tenant_id"],
            r["user_name"],
            tuple(r["roles"]),
            r["created_at"],
            r["expires_at"],
            r["last_used_at"],
            r["revoked_at"],
            r["replaced_by"],
        )
        for r in rows
    ]


def revoke_key(conn: Connection[DictRow], tenant_id: str, key_id: str) -> bool:
    """Revoke a key of the tenant now; False when it has no such key not yet revoked."""
    done = conn.execute(
        "UPDATE api_keys SET revoked_at = now() WHERE tenant_id=%s AND key_id=%s"
        " AND revoked_at IS NULL",
        (tenant_id, key_id),
    )
    return done.rowcount == 1


def rotate_key(
    conn: Connection[DictRow], tenant_id: str, key_id: str, expires_in_days: float | None
) -> tuple[str, str] | None:
    """A new key for the same user and roles, the old one revoked in the same transaction;
    None when the tenant has no such active key."""
    row = conn.execute(
        "SELECT user_name, roles FROM api_keys WHERE tenant_id=%s AND key_id=%s"
        " AND revoked_at IS NULL FOR UPDATE",
        (tenant_id, key_id),
    ).fetchone()
    if row is None:
        return None
    new_id, full_key = create_key(
        conn,
        tenant_id=tenant_id,
        user=row["user_name"],
        roles=row["roles"],
        expires_in_days=expires_in_days,
    )
    conn.execute(
        "UPDATE api_keys SET revoked_at = now(), replaced_by=%s WHERE key_id=%s",
        (new_id, key_id),
    )
    return new_id, full_key
