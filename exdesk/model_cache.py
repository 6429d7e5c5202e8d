"""Models fitted at first use from the project's own data, cached on disk.

Nothing is downloaded: a model is fitted from data in this repository, pickled under the
data directory by this program, and keyed by a digest of what it was fitted on, so a
changed corpus or model version is a new file. Writes go to a temporary file that is
renamed, so processes starting together never read half a file.
"""

from __future__ import annotations

import os
import pickle
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

ModelT = TypeVar("ModelT")


def load_or_build(
    path: Path,
    kind: type[ModelT],
    build: Callable[[], ModelT],
    valid: Callable[[ModelT], bool] = lambda _: True,
) -> ModelT:
    """The model cached at ``path`` when it is a valid ``kind``; else ``build()`` it and
    cache it there."""
    if path.is_file():
        with path.open("rb") as handle:
            cached = pickle.load(handle)
        if isinstance(cached, kind) and valid(cached):
            return cached
    model = build()
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
    with os.fdopen(fd, "wb") as handle:
        pickle.dump(model, handle)
    os.replace(tmp, path)
    return model
