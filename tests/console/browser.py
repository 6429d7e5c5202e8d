"""A real server and a real browser for end-to-end tests: uvicorn on 127.0.0.1 (a free
port) serving the console on a test database, Playwright driving Debian's Chromium."""

from __future__ import annotations

import os
import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import uvicorn

from exdesk.console.app import create_app
from exdesk.service import ExceptionDesk

CHROMIUM = Path(os.environ.get("EXDESK_TEST_CHROMIUM", "/usr/bin/chromium"))
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts" / "console"
"""Screenshots of every page the browser tests visit (gitignored)."""


def require_browser() -> None:
    """Skip, saying why, when Chromium or Playwright is missing."""
    if not CHROMIUM.exists():
        pytest.skip(f"no Chromium at {CHROMIUM} (apt-get install chromium, as .ci/run does)")
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:  # pragma: no cover - playwright is a test extra
        pytest.skip("playwright is not installed (pip install -e '.[test]')")


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def served(desk: ExceptionDesk) -> Iterator[str]:
    """The console and API served by uvicorn on 127.0.0.1; yields the base URL."""
    port = _free_port()
    config = uvicorn.Config(
        create_app(desk.settings, desk), host="127.0.0.1", port=port, log_level="warning"
    )
    server = uvicorn.Server(config)
    thread = threading.Thread(target=server.run, name="console-server", daemon=True)
    thread.start()
    deadline = time.monotonic() + 30
    while not server.started:
        if time.monotonic() > deadline or not thread.is_alive():
            raise RuntimeError("the console server did not start")
        time.sleep(0.05)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        server.should_exit = True
        thread.join(timeout=30)
