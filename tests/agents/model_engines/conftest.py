"""A respx router standing in for the OpenAI API of the model-engine tests."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import respx

from tests.llm.support import OPENAI_BASE_URL


@pytest.fixture
def router() -> Iterator[respx.Router]:
    """The OpenAI API: every route must be called, an unrouted request fails."""
    with respx.mock(base_url=OPENAI_BASE_URL, assert_all_called=True) as mocked:
        yield mocked


@pytest.fixture
def quiet_router() -> Iterator[respx.Router]:
    """The OpenAI API for tests that check a route is never called."""
    with respx.mock(base_url=OPENAI_BASE_URL, assert_all_called=False) as mocked:
        yield mocked
