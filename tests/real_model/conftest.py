"""Fixtures of the ``llm`` tests: the real model server (started once per chat format and
module, skipped with the reason when ``.llm-venv`` is absent), and the request guard
narrowed to it: these tests reach 127.0.0.1 and nothing else."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import NoReturn

import httpx2
import pytest

from tests.real_model.server import RunningServer, llm_server, missing

_ORIGINAL_SEND = httpx2.HTTPTransport.handle_request


@pytest.fixture(autouse=True)
def no_real_model_requests(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """The suite's guard, letting through only requests to the local server (127.0.0.1)."""
    refused: list[str] = []

    def send(self: httpx2.HTTPTransport, request: httpx2.Request) -> httpx2.Response:
        if request.url.host != "127.0.0.1":
            refuse(request)
        return _ORIGINAL_SEND(self, request)

    def refuse(request: httpx2.Request) -> NoReturn:
        refused.append(f"{request.method} {request.url}")
        raise RuntimeError(f"an llm test tried to reach {request.url}, not the local server")

    monkeypatch.setattr(httpx2.HTTPTransport, "handle_request", send)
    yield refused
    if refused:
        pytest.fail(f"requests beyond the local server were attempted: {', '.join(refused)}")


@pytest.fixture(scope="module")
def server_logs(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the servers' output goes (kept under the run's --basetemp)."""
    return tmp_path_factory.mktemp("llm-server")


@pytest.fixture(scope="module")
def chatml_server(server_logs: Path) -> Iterator[RunningServer]:
    """SmolLM2 served with ``--chat_format chatml`` (structured output, no tool calls)."""
    reason = missing()
    if reason is not None:
        pytest.skip(reason)
    with llm_server("chatml", server_logs) as server:
        yield server


@pytest.fixture(scope="module")
def function_calling_server(server_logs: Path) -> Iterator[RunningServer]:
    """SmolLM2 served with ``--chat_format chatml-function-calling``."""
    reason = missing()
    if reason is not None:
        pytest.skip(reason)
    with llm_server("chatml-function-calling", server_logs) as server:
        yield server
