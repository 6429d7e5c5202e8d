"""Console fixtures: the API with the console on a real desk (example network loaded)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from exdesk.console.app import create_app
from exdesk.service import ExceptionDesk


@pytest.fixture
def console(loaded_desk: ExceptionDesk) -> Iterator[TestClient]:
    """A browser-like client of the console (cookies kept between requests)."""
    with TestClient(create_app(loaded_desk.settings, loaded_desk)) as client:
        yield client
