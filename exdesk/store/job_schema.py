"""The job queue's tables (procrastinate) in the application's database.

A new database gets procrastinate's whole schema; one migrated by an older release gets the
package's migration files it has not applied yet, in order. The last file applied is
recorded, so a later procrastinate release knows where to continue.
"""

from __future__ import annotations

import logging
from importlib import resources

from psycopg import Connection
from psycopg.rows import DictRow

logger = logging.getLogger(__name__)

_SQL = resources.files("procrastinate.sql")


def _migration_names() -> list[str]:
    """procrastinate's migration files, oldest first (their names sort by version)."""
    folder = _SQL.joinpath("migrations")
    return sorted(entry.name for entry in folder.iterdir() if entry.name.endswith(".sql"))


def apply_job_schema(conn: Connection[DictRow]) -> None:
    """Create or upgrade procrastinate's tables (inside the caller's migration lock)."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS exdesk_job_schema ("
        " id boolean PRIMARY KEY DEFAULT true CHECK (id), last_migration text NOT NULL,"
        " applied_at timestamptz NOT NULL DEFAULT now())"
    )
    row = conn.execute("SELECT last_migration FROM exdesk_job_schema").fetchone()
    names = _migration_names()
    with conn.transaction():
        if row is None:
            logger.info("creating the job queue's tables")
            conn.execute(
                _SQL.joinpath("schema.sql").read_text(encoding="utf-8").encode(), prepare=False
            )
        else:
            for name in (n for n in names if n > row["last_migration"]):
                logger.info("applying the job queue's migration %s", name)
                sql = _SQL.joinpath("migrations", name).read_text(encoding="utf-8")
                conn.execute(sql.encode(), prepare=False)
        conn.execute(
            "INSERT INTO exdesk_job_schema (last_migration) VALUES (%s)"
            " ON CONFLICT (id) DO UPDATE SET last_migration = EXCLUDED.last_migration,"
            " applied_at = now()",
            (names[-1],),
        )
