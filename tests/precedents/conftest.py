"""Precedent fixtures: a small local embedder fitted once per session, and an index."""

from __future__ import annotations

import pytest

from exdesk.agents.classifier.corpus import training_texts
from exdesk.service import ExceptionDesk
from exdesk.service.precedents import precedent_index
from exdesk.tools.precedents import LocalEmbedder, PrecedentIndex


@pytest.fixture(scope="session")
def small_embedder() -> LocalEmbedder:
    """The local embedder fitted on a third of the training corpus at 32 dimensions
    (about a second, where the default 256-dimension fit takes several)."""
    return LocalEmbedder.fit(training_texts()[::3], dim=32)


@pytest.fixture
def index(desk: ExceptionDesk, small_embedder: LocalEmbedder) -> PrecedentIndex:
    """A precedent index on the test's fresh database, used by the desk."""
    index = precedent_index(desk.db, small_embedder)
    desk.use_precedents(index)
    return index
