"""A bench's scratch space: a temporary folder, and the PostgreSQL server it measures on."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from exdesk.store.database import resolve_database_url, stop_embedded_server


@contextmanager
def scratch(prefix: str = "exdesk-bench-") -> Iterator[tuple[Path, str]]:
    """A temporary folder and a server URL: ``DATABASE_URL``'s (or ``EXDESK_DATABASE_URL``'s)
    when set, else an embedded server under the folder — stopped before the folder is
    removed, so it does not outlive the bench."""
    with tempfile.TemporaryDirectory(prefix=prefix) as tmp:
        folder = Path(tmp)
        configured = os.environ.get("DATABASE_URL") or os.environ.get("EXDESK_DATABASE_URL")
        try:
            yield folder, resolve_database_url(configured, folder)
        finally:
            stop_embedded_server(folder)
