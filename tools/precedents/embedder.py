"""The one interface every embedder implements, and the text a case is embedded from."""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any, Protocol, runtime_checkable

import numpy as np
import numpy.typing as npt

from exdesk.domain import Case
from exdesk.domain.events import event_text

Vectors = npt.NDArray[np.float32]
"""Embeddings, one L2-normalised float32 row per text."""

EMBEDDER_NAME = re.compile(r"^[a-z0-9][a-z0-9._:-]{0,79}$")
"""What an embedder's name may look like: it is written into SQL and index names."""


@runtime_checkable
class Embedder(Protocol):
    """Turns texts into unit vectors of a fixed dimension.

    ``name`` identifies the model *and* its dimension (``local-tfidf-svd-256``): vectors
    of two names are never compared, so a name must change whenever the vectors would.
    """

    @property
    def name(self) -> str:
        """A unique id including the dimension, e.g. ``local-tfidf-svd-256``."""
        ...

    @property
    def dim(self) -> int:
        """How many components each vector has."""
        ...

    def embed(self, texts: Sequence[str]) -> Vectors:
        """One L2-normalised float32 row per text."""
        ...


def check_embedder_name(name: str) -> str:
    """``name`` when it is safe to write into SQL and index names; ValueError otherwise."""
    if not EMBEDDER_NAME.fullmatch(name):
        raise ValueError(
            f"embedder name {name!r} must be lower-case letters, digits and . _ : - "
            "(at most 80 characters)"
        )
    return name


def l2_normalise(matrix: npt.NDArray[Any]) -> Vectors:
    """Rows scaled to unit length, as float32.

    A row with no signal at all (a text sharing nothing with the vocabulary) becomes the
    first basis vector rather than zeros: a zero vector has no cosine distance to anything.
    """
    vectors = np.asarray(matrix, dtype=np.float64)
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    empty = norms[:, 0] < 1e-12
    vectors = vectors / np.where(norms < 1e-12, 1.0, norms)
    if empty.any():
        vectors[empty] = 0.0
        vectors[empty, 0] = 1.0
    return vectors.astype(np.float32)


def case_text(case: Case) -> str:
    """What a case is embedded from: its event summary and the head of its document."""
    return event_text(case.event)
