"""CLI fixtures: ``exdesk`` run in-process against a test database, as tenant ``acme``.

Each invocation opens its own desk from ``EXDESK_*`` variables, exactly as an operator's
shell would. The session's ``agents`` fixture trains the classifier once and caches it in
``session_data_dir``, so each invocation only loads the cached model.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import psycopg
import pytest
from psycopg import Connection
from psycopg.rows import DictRow
from pydantic import BaseModel
from typer.testing import CliRunner, Result

from exdesk.agents.registry import AgentSet
from exdesk.cli import app
from exdesk.domain import Case, ExceptionEvent
from exdesk.store.database import CONNECTION_KWARGS
from tests.support.postgres import fresh_database

TENANT = "acme"
EXAMPLES = Path(__file__).resolve().parents[2] / "examples"
NETWORK_FILE = EXAMPLES / "network.json"
EVENTS_FILE = EXAMPLES / "exceptions.jsonl"


class Cli:
    """Runs ``exdesk`` with arguments; stdout and stderr are kept apart."""

    def __init__(self) -> None:
        self._runner = CliRunner()

    def __call__(self, *args: str | Path, input: str | None = None) -> Result:
        """Run one command (``input``: its standard input); an uncaught exception fails the
        test instead of exiting 1."""
        return self._runner.invoke(
            app, [str(arg) for arg in args], input=input, catch_exceptions=False
        )

    def ok(self, *args: str | Path) -> Result:
        """Run one command that must succeed."""
        result = self(*args)
        assert result.exit_code == 0, f"exdesk {args} exited {result.exit_code}: {result.stderr}"
        return result

    def case(self, case_id: str) -> Case:
        """The case as ``cases show`` prints it."""
        return Case.model_validate_json(self.ok("cases", "show", case_id).stdout)


def point_at(monkeypatch: pytest.MonkeyPatch, database_url: str, data_dir: Path) -> None:
    """Make the environment name only this database, data directory and tenant."""
    for name in list(os.environ):
        inherited = name.startswith(("EXDESK_", "OPENAI_")) or name == "DATABASE_URL"
        if inherited and not name.startswith("EXDESK_TEST_"):
            monkeypatch.delenv(name)
    monkeypatch.setenv("EXDESK_DATABASE_URL", database_url)
    monkeypatch.setenv("EXDESK_DATA_DIR", str(data_dir))
    monkeypatch.setenv("EXDESK_TELEMETRY_EXPORTER", "none")
    monkeypatch.setenv("EXDESK_TENANT", TENANT)


def error_line(result: Result) -> str:
    """The one readable error line a failed command printed on stderr."""
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, f"expected one error line, got: {result.stderr!r}"
    assert lines[0].startswith("exdesk: error: "), lines[0]
    return lines[0]


def write_events(path: Path, events: Sequence[ExceptionEvent | dict[str, Any] | str]) -> Path:
    """A JSONL file of events (models, plain objects, or raw lines written as given)."""
    lines = []
    for event in events:
        if isinstance(event, BaseModel):
            lines.append(event.model_dump_json(exclude_none=True))
        elif isinstance(event, dict):
            lines.append(json.dumps(event))
        else:
            lines.append(event)
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def jsonl_cases(result: Result) -> list[Case]:
    """Each stdout line of ``--format jsonl`` as a case."""
    return [Case.model_validate_json(line) for line in result.stdout.splitlines()]


def connect(database_url: str) -> Connection[DictRow]:
    """A direct connection to the test database, as the application opens them."""
    conn: Connection[DictRow] = psycopg.connect(database_url, **CONNECTION_KWARGS)
    return conn


def count_cases(database_url: str) -> int:
    """How many cases the database holds, over every tenant."""
    with connect(database_url) as conn:
        row = conn.execute("SELECT count(*) AS n FROM cases").fetchone()
    assert row is not None
    return int(row["n"])


@pytest.fixture
def cli_env(
    monkeypatch: pytest.MonkeyPatch, database_url: str, session_data_dir: Path, agents: AgentSet
) -> str:
    """The environment of one test on its own fresh database; returns the database URL."""
    point_at(monkeypatch, database_url, session_data_dir)
    return database_url


@pytest.fixture
def cli(cli_env: str) -> Cli:
    """``exdesk`` on the test's fresh, empty database."""
    return Cli()


@pytest.fixture
def network_cli(cli: Cli) -> Cli:
    """``exdesk`` on a fresh database with the example network loaded for ``acme``."""
    cli.ok("network", "load", NETWORK_FILE)
    return cli


@dataclass(frozen=True)
class Ingested:
    """The example events ingested once: their database, the events, and the first run."""

    database_url: str
    events: list[ExceptionEvent]
    first_run: Result


@pytest.fixture(scope="session")
def ingested(pg_server_url: str, session_data_dir: Path, agents: AgentSet) -> Iterator[Ingested]:
    """All 79 example events ingested once through the CLI, on a database of their own.

    Shared by the session, so tests that use it only read (re-ingesting is idempotent).
    """
    events = [
        ExceptionEvent.model_validate_json(line)
        for line in EVENTS_FILE.read_text(encoding="utf-8").splitlines()
        if line.strip()
    ]
    with fresh_database(pg_server_url) as url:
        with pytest.MonkeyPatch.context() as patch:
            point_at(patch, url, session_data_dir)
            cli = Cli()
            cli.ok("network", "load", NETWORK_FILE)
            first_run = cli.ok("ingest", EVENTS_FILE, "--format", "jsonl")
        yield Ingested(url, events, first_run)


@pytest.fixture
def ingested_cli(
    ingested: Ingested, monkeypatch: pytest.MonkeyPatch, session_data_dir: Path
) -> Cli:
    """``exdesk`` on the database holding the ingested example events."""
    point_at(monkeypatch, ingested.database_url, session_data_dir)
    return Cli()
