"""A settled heap: what start-up built is frozen out of collections, and garbage made
afterwards, reference cycles included, is still collected."""

from __future__ import annotations

import gc
import weakref
from collections.abc import Iterator

import pytest

from exdesk.service.heap import YOUNG_GENERATION_THRESHOLD, settle_heap


@pytest.fixture
def restored_collector() -> Iterator[None]:
    """Give the test process its collector back as it was."""
    threshold = gc.get_threshold()
    try:
        yield
    finally:
        gc.unfreeze()
        gc.set_threshold(*threshold)


class _Node:
    """An object that can sit in a reference cycle."""

    def __init__(self) -> None:
        self.other: _Node | None = None


def test_settling_freezes_what_lives_and_still_collects_later_cycles(
    restored_collector: None,
) -> None:
    survivor = _Node()
    frozen_before = gc.get_freeze_count()
    settle_heap()
    assert gc.get_freeze_count() > frozen_before
    assert not any(obj is survivor for obj in gc.get_objects())  # frozen: never walked
    assert gc.get_threshold()[0] == YOUNG_GENERATION_THRESHOLD

    first, second = _Node(), _Node()
    first.other, second.other = second, first
    gone = weakref.ref(first)
    del first, second
    gc.collect()
    assert gone() is None
