"""A caller about to delete a temporary folder stops the embedded server under it first:
once the folder is gone the server could no longer be stopped and would outlive the
process."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest

from exdesk.store.database import start_embedded_server, stop_embedded_server


def test_the_server_under_a_folder_stops_when_asked(tmp_path: Path) -> None:
    url = start_embedded_server(tmp_path)
    with psycopg.connect(url, connect_timeout=5) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
    stop_embedded_server(tmp_path)
    with pytest.raises(psycopg.OperationalError):
        psycopg.connect(url, connect_timeout=2)
    stop_embedded_server(tmp_path / "elsewhere")  # nothing was started there: nothing to do
