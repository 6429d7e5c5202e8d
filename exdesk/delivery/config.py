"""Each tenant's connectors, one per outbox kind, and the secrets that verify its inbound
webhooks (by environment variable name; the secrets themselves are never stored)."""

from __future__ import annotations

from psycopg import Connection
from psycopg.rows import DictRow
from psycopg.types.json import Jsonb
from pydantic import TypeAdapter

from exdesk.delivery.connectors import ConnectorConfig, SmtpConfig, WebhookConfig, check_fits
from exdesk.domain import EventSource, OutboxKind

_CONFIG: TypeAdapter[WebhookConfig | SmtpConfig] = TypeAdapter(ConnectorConfig)


def set_connector(
    conn: Connection[DictRow], tenant_id: str, kind: OutboxKind, config: WebhookConfig | SmtpConfig
) -> None:
    """Deliver the tenant's messages of ``kind`` through ``config`` from now on."""
    check_fits(kind, config)
    conn.execute(
        "INSERT INTO delivery_connectors (tenant_id, kind, connector, config) VALUES"
        " (%s, %s, %s, %s) ON CONFLICT (tenant_id, kind) DO UPDATE SET"
        " connector = EXCLUDED.connector, config = EXCLUDED.config, updated_at = now()",
        (tenant_id, kind, config.connector, Jsonb(config.model_dump(mode="json"))),
    )


def remove_connector(conn: Connection[DictRow], tenant_id: str, kind: OutboxKind) -> bool:
    """Stop delivering ``kind`` (its messages then wait); False when none was set."""
    cursor = conn.execute(
        "DELETE FROM delivery_connectors WHERE tenant_id = %s AND kind = %s", (tenant_id, kind)
    )
    return cursor.rowcount > 0


def connector_for(
    conn: Connection[DictRow], tenant_id: str, kind: OutboxKind
) -> WebhookConfig | SmtpConfig | None:
    """How the tenant delivers ``kind``, if it said."""
    row = conn.execute(
        "SELECT config FROM delivery_connectors WHERE tenant_id = %s AND kind = %s",
        (tenant_id, kind),
    ).fetchone()
    return None if row is None else _CONFIG.validate_python(row["config"])


def connectors_of(
    conn: Connection[DictRow], tenant_id: str
) -> dict[str, WebhookConfig | SmtpConfig]:
    """Every connector of the tenant, by kind."""
    rows = conn.execute(
        "SELECT kind, config FROM delivery_connectors WHERE tenant_id = %s ORDER BY kind",
        (tenant_id,),
    ).fetchall()
    return {row["kind"]: _CONFIG.validate_python(row["config"]) for row in rows}


def set_inbound_secret(
    conn: Connection[DictRow], tenant_id: str, source: EventSource, secret_env: str
) -> None:
    """Verify the tenant's webhooks from ``source`` with the secret in ``secret_env``."""
    conn.execute(
        "INSERT INTO inbound_webhooks (tenant_id, source, secret_env) VALUES (%s, %s, %s)"
        " ON CONFLICT (tenant_id, source) DO UPDATE SET secret_env = EXCLUDED.secret_env,"
        " updated_at = now()",
        (tenant_id, source, secret_env),
    )


def inbound_secret_env(conn: Connection[DictRow], tenant_id: str, source: str) -> str | None:
    """The environment variable holding the secret of the tenant's webhooks from ``source``."""
    row = conn.execute(
        "SELECT secret_env FROM inbound_webhooks WHERE tenant_id = %s AND source = %s",
        (tenant_id, source),
    ).fetchone()
    return None if row is None else str(row["secret_env"])


def remember_signature(
    conn: Connection[DictRow], tenant_id: str, signature: str, keep_seconds: float
) -> bool:
    """Record an accepted inbound signature; False when it was seen before (a replay).
    Signatures older than ``keep_seconds`` (the time tolerance) are forgotten, since their
    timestamp alone refuses them."""
    conn.execute(
        "DELETE FROM inbound_signatures WHERE received_at < now() - make_interval(secs => %s)",
        (keep_seconds,),
    )
    cursor = conn.execute(
        "INSERT INTO inbound_signatures (signature, tenant_id) VALUES (%s, %s)"
        " ON CONFLICT (signature) DO NOTHING",
        (signature, tenant_id),
    )
    return cursor.rowcount == 1
