"""Versioned SQL migrations, applied at start, each once, in order, recorded in a table.

Migrations are append-only: each applied migration is recorded with the SHA-256 of its
file, and a shipped file that no longer matches what a database applied stops the start.
A change to the schema is always a new file.
"""

from __future__ import annotations

import hashlib
import logging
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from importlib import resources

import psycopg
from langgraph.checkpoint.postgres import PostgresSaver
from psycopg import Connection
from psycopg.rows import DictRow

from exdesk.errors import ConfigurationError
from exdesk.store.database import DatabaseUrls, connect
from exdesk.store.job_schema import apply_job_schema
from exdesk.store.roles import current_role, grant_application_role, may_rewrite_log

logger = logging.getLogger(__name__)

_MIGRATIONS_LOCK = 7_362_001
"""Advisory lock key: two processes starting together migrate one after the other."""

MIGRATION_LOCK_WAIT_SECONDS = 600.0
"""How long a starting process waits for another's migrations before it gives up."""

_LOCK_RETRY_SECONDS = 0.1


@dataclass(frozen=True)
class Migration:
    """One numbered SQL file under ``exdesk/store/migrations/``."""

    version: int
    name: str
    sql: str
    checksum: str
    """SHA-256 (hex) of the file's bytes, as recorded in ``exdesk_migrations``."""

    @classmethod
    def from_file(cls, filename: str, data: bytes) -> Migration:
        """The migration in ``NNNN_name.sql`` whose bytes are ``data``."""
        number, _, rest = filename.partition("_")
        return cls(
            int(number), rest.removesuffix(".sql"), data.decode(), hashlib.sha256(data).hexdigest()
        )

    @property
    def label(self) -> str:
        """``NNNN_name``, as the file is named."""
        return f"{self.version:04d}_{self.name}"


def available_migrations() -> list[Migration]:
    """Every migration shipped with the code, ordered by version (``NNNN_name.sql``)."""
    folder = resources.files("exdesk.store").joinpath("migrations")
    found = [
        Migration.from_file(entry.name, entry.read_bytes())
        for entry in folder.iterdir()
        if entry.name.endswith(".sql")
    ]
    found.sort(key=lambda m: m.version)
    versions = [m.version for m in found]
    if versions != list(range(1, len(found) + 1)):
        raise RuntimeError(f"migration versions must be 1..n without gaps, found {versions}")
    return found


def _short(checksum: str) -> str:
    return f"{checksum[:12]}…"


def _check_recorded(conn: Connection[DictRow], shipped: dict[int, Migration]) -> None:
    """Refuse a database that applied a migration we do not ship, or a different file.

    A row recorded before checksums were kept gets the shipped file's checksum: nothing
    tells what that file held then, and from now on it is held to it.
    """
    rows = conn.execute(
        "SELECT version, name, checksum FROM exdesk_migrations ORDER BY version"
    ).fetchall()
    unknown = [row for row in rows if row["version"] not in shipped]
    if unknown:
        names = ", ".join(f"{row['version']:04d}_{row['name']}" for row in unknown)
        raise ConfigurationError(
            f"the database has migration {names} that this code does not ship: it was"
            " migrated by a newer release of Exception Desk; run that release or a later one"
        )
    for row in rows:
        migration = shipped[row["version"]]
        if row["checksum"] is not None and row["checksum"] != migration.checksum:
            raise ConfigurationError(
                f"migration {migration.label} changed after it was applied (applied sha256"
                f" {_short(row['checksum'])}, shipped {_short(migration.checksum)}):"
                " migrations are append-only, add a new one"
            )
    for row in rows:
        if row["checksum"] is None:
            migration = shipped[row["version"]]
            conn.execute(
                "UPDATE exdesk_migrations SET checksum=%s WHERE version=%s AND checksum IS NULL",
                (migration.checksum, migration.version),
            )
            logger.info(
                "recorded checksum %s of migration %s (applied before checksums were kept)",
                _short(migration.checksum),
                migration.label,
            )


def _up_to_date(conn: Connection[DictRow]) -> bool:
    """Whether every shipped migration (and LangGraph's) is applied, as shipped — read
    without writing, so a role that may not migrate can start on a migrated database."""
    found = conn.execute(
        "SELECT to_regclass('exdesk_migrations') IS NOT NULL AS ours,"
        " to_regclass('checkpoint_migrations') IS NOT NULL AS langgraph"
    ).fetchone()
    if not found or not found["ours"] or not found["langgraph"]:
        return False
    try:
        rows = conn.execute("SELECT version, checksum FROM exdesk_migrations").fetchall()
    except psycopg.errors.UndefinedColumn:  # a table from before checksums were kept
        return False
    shipped = {m.version: m.checksum for m in available_migrations()}
    if {row["version"]: row["checksum"] for row in rows} != shipped:
        return False
    latest = conn.execute("SELECT max(v) AS v FROM checkpoint_migrations").fetchone()
    return latest is not None and latest["v"] == len(PostgresSaver.MIGRATIONS) - 1


@contextmanager
def migration_lock(conn: Connection[DictRow]) -> Iterator[None]:
    """Hold the database's migration lock for the block: processes starting together
    (an API and its workers) migrate and grant one at a time — concurrent GRANTs on one
    table fail with "tuple concurrently updated".

    A process waiting for the lock asks for it again and again rather than blocking in one
    statement: LangGraph's migrations build indexes concurrently, which waits for every
    transaction open when it starts — a blocked ``pg_advisory_lock`` is one, and the two
    processes deadlocked (PostgreSQL then cancelled one's start)."""
    deadline = time.monotonic() + MIGRATION_LOCK_WAIT_SECONDS
    while not _try_lock(conn):
        if time.monotonic() > deadline:
            raise ConfigurationError(
                f"could not migrate the database: another process held its migration lock for"
                f" {MIGRATION_LOCK_WAIT_SECONDS:.0f} s"
            )
        time.sleep(_LOCK_RETRY_SECONDS)
    try:
        yield
    finally:
        conn.execute("SELECT pg_advisory_unlock(%s)", (_MIGRATIONS_LOCK,))


def _try_lock(conn: Connection[DictRow]) -> bool:
    found = conn.execute("SELECT pg_try_advisory_lock(%s) AS got", (_MIGRATIONS_LOCK,)).fetchone()
    return bool(found and found["got"])


def apply_migrations(conn: Connection[DictRow]) -> list[int]:
    """Apply what has not been applied yet; return the versions applied now.

    ``conn`` must be in autocommit mode: each migration runs in its own transaction, and the
    LangGraph checkpointer's own migrations (which build indexes concurrently) run outside one.
    Raises :class:`~exdesk.errors.ConfigurationError` when an applied migration differs from
    the shipped file, or when the database applied a migration this code does not ship.
    """
    if _up_to_date(conn):
        return []
    applied_now: list[int] = []
    with migration_lock(conn):
        conn.execute(
            "CREATE TABLE IF NOT EXISTS exdesk_migrations ("
            " version integer PRIMARY KEY, name text NOT NULL,"
            " applied_at timestamptz NOT NULL DEFAULT now(), checksum text)"
        )
        # Tables made before checksums were kept get the column last, where CREATE puts it.
        conn.execute("ALTER TABLE exdesk_migrations ADD COLUMN IF NOT EXISTS checksum text")
        shipped = {m.version: m for m in available_migrations()}
        _check_recorded(conn, shipped)
        rows = conn.execute("SELECT version FROM exdesk_migrations").fetchall()
        done = {row["version"] for row in rows}
        for migration in shipped.values():
            if migration.version in done:
                continue
            logger.info("applying migration %s", migration.label)
            with conn.transaction():
                conn.execute(migration.sql.encode(), prepare=False)
                conn.execute(
                    "INSERT INTO exdesk_migrations (version, name, checksum) VALUES (%s, %s, %s)",
                    (migration.version, migration.name, migration.checksum),
                )
            applied_now.append(migration.version)
        PostgresSaver(conn).setup()
        apply_job_schema(conn)
    return applied_now


_warned_single_role = False


def migrate_database(urls: DatabaseUrls) -> list[int]:
    """Migrate as the owner and grant the application role its privileges; with one URL,
    migrate as that role and warn once when it could rewrite the log. Returns the versions
    applied now."""
    global _warned_single_role
    with connect(urls.application) as app:
        application = current_role(app)
        if urls.migration is None:
            applied = apply_migrations(app)
            if may_rewrite_log(app) and not _warned_single_role:
                _warned_single_role = True
                logger.warning(
                    "the application connects as %s, which can switch off the decision log's"
                    " append-only triggers (a superuser or the tables' owner): set"
                    " EXDESK_MIGRATION_DATABASE_URL to the owner and EXDESK_DATABASE_URL to a"
                    " role that owns nothing (README: Security: what the chain proves)",
                    application,
                )
            return applied
    with connect(urls.migration) as owner:
        applied = apply_migrations(owner)
        if current_role(owner) != application:
            with migration_lock(owner):
                grant_application_role(owner, application)
    return applied
