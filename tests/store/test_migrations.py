"""Migrations apply once, in order, are recorded, and leave pgvector installed."""

from __future__ import annotations

import psycopg
from psycopg.rows import dict_row

from exdesk.store.database import CONNECTION_KWARGS
from exdesk.store.migrate import apply_migrations, available_migrations


def test_migrations_are_recorded_and_idempotent(database_url: str) -> None:
    with psycopg.connect(database_url, **CONNECTION_KWARGS) as conn:
        assert apply_migrations(conn) == []  # the template was already migrated
        recorded = conn.execute("SELECT version FROM exdesk_migrations ORDER BY version").fetchall()
        assert [r["version"] for r in recorded] == [m.version for m in available_migrations()]
        assert apply_migrations(conn) == []


def test_the_schema_has_pgvector_and_the_checkpointer_tables(database_url: str) -> None:
    with psycopg.connect(database_url, row_factory=dict_row) as conn:
        extensions = {r["extname"] for r in conn.execute("SELECT extname FROM pg_extension")}
        tables = {
            r["tablename"]
            for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname='public'")
        }
    assert "vector" in extensions
    assert {"checkpoints", "checkpoint_writes", "checkpoint_blobs"} <= tables
    assert {"cases", "decision_records", "ledger_entries", "approvals", "outbox"} <= tables


def test_a_fresh_database_migrates_from_nothing(pg_server_url: str) -> None:
    from exdesk.store.database import with_database

    name = "exdesk_test_from_nothing"
    with psycopg.connect(pg_server_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    try:
        with psycopg.connect(with_database(pg_server_url, name), **CONNECTION_KWARGS) as conn:
            assert apply_migrations(conn) == [m.version for m in available_migrations()]
    finally:
        with psycopg.connect(pg_server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
