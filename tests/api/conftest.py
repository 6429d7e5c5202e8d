"""API fixtures: the app on a real desk (example network loaded for ``acme``), and keys.

By default each test gets its own fresh database (``loaded_desk``). A module whose tests
change nothing a neighbour could observe may share one database across the module by
overriding ``api_desk`` with ``shared_desk``: cloning a database costs about half a second.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import psycopg
import pytest
from fastapi.testclient import TestClient

from exdesk.agents.registry import AgentSet
from exdesk.api.app import create_app
from exdesk.domain import NetworkSnapshot
from exdesk.service import ExceptionDesk
from exdesk.settings import Settings
from tests.api.support import TENANT, Headers, Keys, StatementLog
from tests.support.postgres import fresh_database


@pytest.fixture(scope="module")
def shared_desk(
    pg_server_url: str,
    session_data_dir: Path,
    agents: AgentSet,
    example_network: NetworkSnapshot,
) -> Iterator[ExceptionDesk]:
    """A desk on a fresh database shared by one module, the example network loaded."""
    with fresh_database(pg_server_url) as url:
        settings = Settings(
            data_dir=session_data_dir,
            database_url=url,
            telemetry_exporter="none",
            workers=4,
            run_cases="inline",
        )
        with ExceptionDesk.open(settings, agents=agents) as desk:
            desk.load_network(TENANT, example_network)
            yield desk


@pytest.fixture
def api_desk(loaded_desk: ExceptionDesk) -> ExceptionDesk:
    """The desk the API of a test runs on: a fresh one unless the module shares one."""
    return loaded_desk


@pytest.fixture
def client(api_desk: ExceptionDesk) -> Iterator[TestClient]:
    """The API over the real database, its lifespan running for the test."""
    with TestClient(create_app(api_desk.settings, api_desk)) as test_client:
        yield test_client


@pytest.fixture
def keys(api_desk: ExceptionDesk) -> Keys:
    """API keys of the test's tenants, created on demand."""
    return Keys(api_desk)


@pytest.fixture
def integration(keys: Keys) -> Headers:
    """The WMS/ERP bridge of ``acme``: may ingest, may not read."""
    return keys.headers("wms-bridge", "integration")


@pytest.fixture
def reader(keys: Keys) -> Headers:
    """An ``acme`` ops planner, who reads cases."""
    return keys.headers("olga", "ops")


@pytest.fixture
def sql_log(monkeypatch: pytest.MonkeyPatch) -> StatementLog:
    """Counts every ``Cursor.execute``/``executemany`` (what ``conn.execute`` runs)."""
    log = StatementLog()
    execute, executemany = psycopg.Cursor.execute, psycopg.Cursor.executemany

    def counted_execute(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        log.note(query)
        return execute(self, query, *args, **kwargs)

    def counted_executemany(self: Any, query: Any, *args: Any, **kwargs: Any) -> Any:
        log.note(query)
        return executemany(self, query, *args, **kwargs)

    monkeypatch.setattr(psycopg.Cursor, "execute", counted_execute)
    monkeypatch.setattr(psycopg.Cursor, "executemany", counted_executemany)
    return log
