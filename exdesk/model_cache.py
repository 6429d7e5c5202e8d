"""Models fitted at first use from the project's own data, cached on disk.

Nothing is downloaded: a model is fitted from data in this repository, pickled under the
data directory by this program, and keyed by a digest of what it was fitted on, so a
changed corpus or model version is a new file. Writes go to a temporary file that is
renamed, so processes starting together never read half a file, and one of them builds a
missing model while the others wait for it.
"""

from __future__ import annotations

import fcntl
import os
import pickle
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
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
    cache it there. Processes that find no model at once build it once: the first builds
    while the others wait (a lock file beside it), then they load what it wrote."""
    cached = _load(path, kind, valid)
    if cached is not None:
        return cached
    path.parent.mkdir(parents=True, exist_ok=True)
    with _building(path):
        cached = _load(path, kind, valid)  # built by another process while this one waited
        if cached is not None:
            return cached
        model = build()
        fd, tmp = tempfile.mkstemp(dir=path.parent, suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(model, handle)
        os.replace(tmp, path)
        return model


def _load(path: Path, kind: type[ModelT], valid: Callable[[ModelT], bool]) -> ModelT | None:
    if not path.is_file():
        return None
    with path.open("rb") as handle:
        cached = pickle.load(handle)
    return cached if isinstance(cached, kind) and valid(cached) else None


@contextmanager
def _building(path: Path) -> Iterator[None]:
    """Hold the lock file of the model at ``path`` (released when the process ends)."""
    with path.with_name(f"{path.name}.lock").open("a") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(lock, fcntl.LOCK_UN)
