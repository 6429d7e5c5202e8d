"""Versioned SQL migrations, applied at start, each once, in order, recorded in a table."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib import resources

from langgraph.checkpoint.postgres import PostgresSaver
from psycopg import Connection
from psycopg.rows import DictRow

logger = logging.getLogger(__name__)

_MIGRATIONS_LOCK = 7_362_001
"""Advisory lock key: two processes starting together migrate one after the other."""


@dataclass(frozen=True)
class Migration:
    """One numbered SQL file under ``exdesk/store/migrations/``."""

    version: int
    name: str
    sql: str


def available_migrations() -> list[Migration]:
    """Every migration shipped with the code, ordered by version (``NNNN_name.sql``)."""
    folder = resources.files("exdesk.store").joinpath("migrations")
    found: list[Migration] = []
    for entry in folder.iterdir():
        if entry.name.endswith(".sql"):
            number, _, rest = entry.name.partition("_")
            found.append(Migration(int(number), rest.removesuffix(".sql"), entry.read_text()))
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migration versions must be 1..n without gaps, found {versions}")
    return found


def apply_migrations(conn: Connection[DictRow]) -> list[int]:
    """Apply what has not been applied yet; return the versions applied now.

    ``conn`` must be in autocommit mode: each migration runs in its own transaction, and the
    LangGraph checkpointer's own migrations (which build indexes concurrently) run outside one.
    """
    applied_now: list[int] = []
    conn.execute("SELECT pg_advisory_lock(%s)", (_MIGRATIONS_LOCK,))
    try:
        conn.execute(
            "CREATE TABLE IF NOT EXISTS exdesk_migrations ("
            " version integer PRIMARY KEY, name text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now())"
        )
        rows = conn.execute("SELECT version FROM exdesk_migrations").fetchall()
        done = {row["version"] for row in rows}
        for migration in available_migrations():
            if migration.version in done:
                continue
            logger.info("applying migration %04d_%s", migration.version, migration.name)
            with conn.transaction():
                conn.execute(migration.sql.encode(), prepare=False)
                conn.execute(
                    "INSERT INTO exdesk_migrations (version, name) VALUES (%s, %s)",
                    (migration.version, migration.name),
                )
            applied_now.append(migration.version)
        PostgresSaver(conn).setup()
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", (_MIGRATIONS_LOCK,))
    return applied_now
