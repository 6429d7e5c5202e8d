"""API keys: one tenant, one user, one or more roles; only a hash of the secret is stored."""

from __future__ import annotations

import hashlib
import hmac
import secrets
from collections.abc import Sequence
from dataclasses import dataclass

from psycopg import Connection
from psycopg.rows import DictRow

from exdesk.domain import DecisionVia, Role

KEY_PREFIX = "exd"


@dataclass(frozen=True)
class Principal:
    """Who is calling: the key's tenant, user and roles."""

    tenant_id: str
    user: str
    roles: frozenset[Role]
    key_id: str
    via: DecisionVia = "api_key"
    """How the caller was identified: an API key, a console session, or the local CLI."""

    def has(self, role: Role) -> bool:
        """Whether the caller holds a role."""
        return role in self.roles


def _sha256(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_key(
    conn: Connection[DictRow], *, tenant_id: str, user: str, roles: Sequence[Role]
) -> tuple[str, str]:
    """Create a key; return (key_id, the full key). The full key is shown once, never stored."""
    key_id = secrets.token_hex(6)
    secret = secrets.token_urlsafe(32)
    conn.execute(
        "INSERT INTO api_keys (key_id, tenant_id, user_name, roles, secret_sha256)"
        " VALUES (%s, %s, %s, %s, %s)",
        (key_id, tenant_id, user, sorted(set(roles)), _sha256(secret)),
    )
    return key_id, f"{KEY_PREFIX}_{key_id}_{secret}"


def authenticate(conn: Connection[DictRow], presented: str) -> Principal | None:
    """The principal a presented key belongs to, or None if it is unknown or revoked."""
    prefix, _, rest = presented.partition("_")
    key_id, _, secret = rest.partition("_")
    if prefix != KEY_PREFIX or not key_id or not secret:
        return None
    row = conn.execute(
        "SELECT tenant_id, user_name, roles, secret_sha256 FROM api_keys"
        " WHERE key_id=%s AND revoked_at IS NULL",
        (key_id,),
    ).fetchone()
    if row is None or not hmac.compare_digest(row["secret_sha256"], _sha256(secret)):
        return None
    return Principal(row["tenant_id"], row["user_name"], frozenset(row["roles"]), key_id)
