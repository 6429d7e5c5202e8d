"""What the evaluation tests share: a desk on a database of its own, cases run inline."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from exdesk.agents.registry import AgentSet
from exdesk.service import ExceptionDesk
from exdesk.settings import Settings
from tests.support.postgres import fresh_database


@contextmanager
def inline_desk(pg_server_url: str, data_dir: Path, agents: AgentSet) -> Iterator[ExceptionDesk]:
    """A desk on a fresh database (dropped after), running its cases in this process."""
    with fresh_database(pg_server_url) as url:
        settings = Settings(
            data_dir=data_dir,
            database_url=url,
            telemetry_exporter="none",
            workers=4,
            run_cases="inline",
        )
        with ExceptionDesk.open(settings, agents=agents) as desk:
            yield desk
