"""Fixtures: a real PostgreSQL (embedded) per session, a fresh database per test, the
desk opened on it, the agents trained once; and no test ever reaching a model endpoint."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import httpx2
import pytest

from exdesk.agents.registry import AgentSet, build_agents
from exdesk.domain import NetworkSnapshot
from exdesk.examples import example_network as shipped_network
from exdesk.service import ExceptionDesk
from exdesk.settings import Settings
from tests.support.postgres import create_template, fresh_database, owner_url, server_url


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Tests marked ``llm`` start a real model server (minutes, a compiled llama.cpp): they
    run only when the marker expression names them (``make test-llm``: ``-m llm``), so the
    default run, ``make test`` and ``make test-fast`` leave them out."""
    if "llm" in (config.option.markexpr or ""):
        return
    kept = [item for item in items if item.get_closest_marker("llm") is None]
    if len(kept) < len(items):
        config.hook.pytest_deselected(
            items=[item for item in items if item.get_closest_marker("llm") is not None]
        )
        items[:] = kept


class RealModelRequestError(RuntimeError):
    """A test sent a request to a real model endpoint instead of a test double."""


@pytest.fixture(autouse=True)
def no_real_model_requests(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Refuse every HTTP request the ``openai`` SDK would put on the network.

    The SDK sends through ``httpx2``; its network transports are replaced by a refusal, so
    only a test double (a respx router behind a mock transport, a scripted model) answers.
    A refused request fails the test even if the code under test swallowed the error. A
    test of the guard itself clears the returned list of refused requests.
    """
    refused: list[str] = []

    def refuse(request: httpx2.Request) -> NoReturn:
        refused.append(f"{request.method} {request.url}")
        raise RealModelRequestError(
            f"a test tried to reach a model endpoint: {request.method} {request.url} "
            "(answer it with respx, see tests/llm/support.py, or use ScriptedModel)"
        )

    def sync_refusal(self: httpx2.HTTPTransport, request: httpx2.Request) -> httpx2.Response:
        refuse(request)

    async def async_refusal(
        self: httpx2.AsyncHTTPTransport, request: httpx2.Request
    ) -> httpx2.Response:
        refuse(request)

    monkeypatch.setattr(httpx2.HTTPTransport, "handle_request", sync_refusal)
    monkeypatch.setattr(httpx2.AsyncHTTPTransport, "handle_async_request", async_refusal)
    yield refused
    if refused:
        pytest.fail(f"real model requests were attempted: {', '.join(refused)}")


@pytest.fixture(scope="session")
def pg_server_url() -> str:
    """The session's PostgreSQL server, with a migrated template database."""
    url = server_url()
    create_template(url)
    return url


@pytest.fixture
def database_url(pg_server_url: str) -> Iterator[str]:
    """A fresh, migrated, empty database for one test."""
    with fresh_database(pg_server_url) as url:
        yield url


@pytest.fixture(scope="session")
def session_data_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A data directory shared by the session (the classifier's model cache)."""
    return tmp_path_factory.mktemp("data")


@pytest.fixture
def settings(database_url: str, session_data_dir: Path) -> Settings:
    """Settings pointing at the test's database."""
    return Settings(
        data_dir=session_data_dir,
        database_url=database_url,
        migration_database_url=owner_url(database_url),
        telemetry_exporter="none",
        workers=4,
        run_cases="inline",
    )


@pytest.fixture(scope="session")
def agents(session_data_dir: Path) -> AgentSet:
    """The local agents, trained once per session."""
    return build_agents(Settings(data_dir=session_data_dir, telemetry_exporter="none"))


@pytest.fixture
def desk(settings: Settings, agents: AgentSet) -> Iterator[ExceptionDesk]:
    """The desk on a fresh database."""
    with ExceptionDesk.open(settings, agents=agents) as opened:
        yield opened


@pytest.fixture(scope="session")
def example_network() -> NetworkSnapshot:
    """The shipped example network."""
    return shipped_network()


@pytest.fixture
def loaded_desk(desk: ExceptionDesk, example_network: NetworkSnapshot) -> ExceptionDesk:
    """The desk with the example network loaded for tenant ``acme``."""
    desk.load_network("acme", example_network)
    return desk


@pytest.fixture
def queued_desk(
    settings: Settings, agents: AgentSet, example_network: NetworkSnapshot
) -> Iterator[ExceptionDesk]:
    """The desk in queue mode on the test's database, the example network loaded for ``acme``."""
    with ExceptionDesk.open(
        settings.model_copy(update={"run_cases": "queue"}), agents=agents
    ) as desk:
        desk.load_network("acme", example_network)
        yield desk
