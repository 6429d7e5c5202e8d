"""Migrations apply once, in order, are recorded with their checksums, leave pgvector
installed, and are append-only: a shipped file never changes."""

from __future__ import annotations

import hashlib
import logging
import threading
from concurrent.futures import ThreadPoolExecutor

import psycopg
import pytest
from psycopg.rows import dict_row

from exdesk.errors import ConfigurationError
from exdesk.store import migrate
from exdesk.store.database import CONNECTION_KWARGS, with_database
from exdesk.store.migrate import Migration, apply_migrations, available_migrations
from tests.support.postgres import owner_url

SHIPPED_DIGESTS = {
    1: "0cb278ec9436b7a16b4c1fed7d01ded4ff37f5d364834fea3cfb4f2d38a8b70c",
    2: "ee9e6370fdd3d50f009ed3bf2ecc31cb763e8bf993cc56012696fdac063faca4",
    3: "7309238476307a08865ba4ac906789d1876310f9b438db36687a814a9031f23f",
    4: "2455997e28c11c3820c8b405cfb06526eab0654ec38b8e5ee1e4eba6eee1eeec",
    5: "0868f034e650966458c71df4be88646b65fb0677baf762251dfb62df88143032",
    6: "3963bc5d42469d09aeb1e353ea38ae51ab0f3247b213d7cf460cbb646a8eb051",
    7: "5eb02974f2863838d1fc517634777e9211e235abf27f2ca24c5a13060878cabb",
    8: "c950e8f56bdc1240fa4fe83fd59643a75a6906073c893af81a30b7411815078e",
}
"""SHA-256 of every shipped migration file. A new migration adds its line here; a line
here never changes, because databases have applied that file as it was."""


def test_every_shipped_migration_keeps_its_digest() -> None:
    shipped = {m.version: m.checksum for m in available_migrations()}
    changed = {v: d for v, d in shipped.items() if v in SHIPPED_DIGESTS and SHIPPED_DIGESTS[v] != d}
    assert not changed, (
        f"shipped migrations {sorted(changed)} changed: migrations are append-only (databases"
        " have applied them as they were); restore them and add a new migration file instead"
    )
    assert shipped == SHIPPED_DIGESTS, (
        "every migration's digest is pinned in SHIPPED_DIGESTS: add the new migration's"
        f" sha256 there ({ {v: d for v, d in shipped.items() if v not in SHIPPED_DIGESTS} })"
    )


def test_a_checksum_is_the_sha256_of_the_files_bytes() -> None:
    migration = Migration.from_file("0007_example.sql", b"SELECT 1;\r\n")
    assert (migration.version, migration.name, migration.label) == (7, "example", "0007_example")
    assert migration.checksum == hashlib.sha256(b"SELECT 1;\r\n").hexdigest()


def _recorded(conn: psycopg.Connection[dict[str, object]]) -> list[tuple[object, ...]]:
    rows = conn.execute(
        "SELECT version, name, checksum FROM exdesk_migrations ORDER BY version"
    ).fetchall()
    return [tuple(row.values()) for row in rows]


def test_migrations_are_recorded_and_idempotent(database_url: str) -> None:
    with psycopg.connect(owner_url(database_url), **CONNECTION_KWARGS) as conn:
        assert apply_migrations(conn) == []  # the template was already migrated
        assert _recorded(conn) == [(m.version, m.name, m.checksum) for m in available_migrations()]
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


def test_processes_starting_together_on_a_fresh_database_all_start(pg_server_url: str) -> None:
    # An API and its workers started at once on an empty database: one migrates, the others
    # wait and find it done. Waiting in pg_advisory_lock deadlocked with LangGraph's
    # concurrent index builds, and PostgreSQL cancelled a process's start.
    name = "exdesk_test_together"
    with psycopg.connect(pg_server_url, autocommit=True) as admin:
        admin.execute(f'DROP DATABASE IF EXISTS "{name}"')
        admin.execute(f'CREATE DATABASE "{name}"')
    starting = 4
    together = threading.Barrier(starting)

    def start() -> list[int]:
        with psycopg.connect(with_database(pg_server_url, name), **CONNECTION_KWARGS) as conn:
            together.wait(timeout=30)
            return apply_migrations(conn)

    try:
        with ThreadPoolExecutor(starting) as pool:
            applied = list(pool.map(lambda _: start(), range(starting)))
    finally:
        with psycopg.connect(pg_server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
    everything = [m.version for m in available_migrations()]
    assert sorted(applied, key=len) == [[]] * (starting - 1) + [everything]


def test_a_row_recorded_before_checksums_gets_the_shipped_checksum(
    database_url: str, caplog: pytest.LogCaptureFixture
) -> None:
    with psycopg.connect(owner_url(database_url), **CONNECTION_KWARGS) as conn:
        # The table as the first release made it: no checksum column.
        conn.execute("ALTER TABLE exdesk_migrations DROP COLUMN checksum")
        with caplog.at_level(logging.INFO, logger="exdesk.store.migrate"):
            assert apply_migrations(conn) == []
        assert _recorded(conn) == [(m.version, m.name, m.checksum) for m in available_migrations()]
    logged = [r.getMessage() for r in caplog.records if r.levelno == logging.INFO]
    for migration in available_migrations():
        assert any(
            migration.label in line and migration.checksum[:12] in line for line in logged
        ), logged


def _edited_first_migration() -> list[Migration]:
    first, *rest = available_migrations()
    edited = first.sql + "\nALTER TABLE cases ADD COLUMN note text;\n"
    return [Migration.from_file(f"{first.label}.sql", edited.encode()), *rest]


def test_a_changed_shipped_migration_refuses_to_start(
    database_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    shipped = available_migrations()
    edited = _edited_first_migration()
    later = Migration.from_file(f"{len(shipped) + 1:04d}_later.sql", b"CREATE TABLE later ();")
    monkeypatch.setattr(migrate, "available_migrations", lambda: [*edited, later])
    with psycopg.connect(owner_url(database_url), **CONNECTION_KWARGS) as conn:
        with pytest.raises(ConfigurationError) as refused:
            apply_migrations(conn)
        assert _recorded(conn) == [(m.version, m.name, m.checksum) for m in shipped]
        later_exists = conn.execute("SELECT to_regclass('later') IS NOT NULL AS x").fetchone()
        assert later_exists == {"x": False}  # nothing was applied after the refusal
    message = refused.value.message
    assert "\n" not in message
    assert message == (
        f"migration {shipped[0].label} changed after it was applied (applied sha256"
        f" {shipped[0].checksum[:12]}…, shipped {edited[0].checksum[:12]}…):"
        " migrations are append-only, add a new one"
    )


def test_a_database_newer_than_the_code_refuses_to_start(database_url: str) -> None:
    future = len(available_migrations()) + 1
    with psycopg.connect(owner_url(database_url), **CONNECTION_KWARGS) as conn:
        conn.execute(
            "INSERT INTO exdesk_migrations (version, name, checksum) VALUES (%s, 'future', %s)",
            (future, "f" * 64),
        )
        with pytest.raises(ConfigurationError, match=rf"{future:04d}_future") as refused:
            apply_migrations(conn)
    assert "\n" not in refused.value.message
    assert "does not ship" in refused.value.message
