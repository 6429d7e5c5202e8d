"""The garbage collector set for a long-running process: a worker or the API server."""

from __future__ import annotations

import gc

YOUNG_GENERATION_THRESHOLD = 10_000
"""Allocations (net of frees) between collections of the youngest generation. A case run
allocates thousands of objects, nearly all freed by reference counting; at Python's
default of 700 a run triggers a collection every few steps."""


def settle_heap() -> None:
    """Call once start-up has built what lives as long as the process (models, the
    embedder, compiled graphs, pools): collect, then freeze what survived, so that the
    full collections of a busy process stop walking it again and again; and let the
    youngest generation grow to :data:`YOUNG_GENERATION_THRESHOLD` before a collection.
    Garbage made later is collected as before. ``bench.workflow_throughput`` measures it."""
    gc.collect()
    gc.freeze()
    _, middle, oldest = gc.get_threshold()
    gc.set_threshold(YOUNG_GENERATION_THRESHOLD, middle, oldest)
