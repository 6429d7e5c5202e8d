"""``exdesk worker --processes N``: one command keeps N worker processes running — it
replaces one that dies, stops them all on SIGTERM, gives up on processes that keep failing
at start, and its processes stop when it is gone."""

from __future__ import annotations

import os
import re
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from exdesk.domain import NetworkSnapshot
from exdesk.service import ExceptionDesk
from tests.fleet.support import all_stopped, wait_for
from tests.support.fleet import fleet_environment
from tests.support.scenarios import open_orders, short_pick
from tests.workflows.conftest import TENANT


@contextmanager
def _supervising(
    desk: ExceptionDesk, log: Path, *args: str, **env: str
) -> Iterator[subprocess.Popen[bytes]]:
    """``exdesk worker`` with ``args`` for the block (killed after it, if still running)."""
    environment = fleet_environment(desk.settings, {"EXDESK_LOG_LEVEL": "INFO", **env})
    with log.open("ab") as out:
        supervisor = subprocess.Popen(
            [sys.executable, "-m", "exdesk.cli", "worker", "--concurrency", "2", *args],
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    try:
        yield supervisor
    finally:
        supervisor.kill()
        supervisor.wait(timeout=30)


def _started(log: Path) -> list[int]:
    """The processes the supervisor says it started, in order."""
    return [int(p) for p in re.findall(r"started worker process (\d+)", log.read_text())]


def _ready(log: Path) -> int:
    """How many worker processes said they run jobs."""
    return log.read_text().count("exdesk worker: 2 jobs at once")


def _alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    # a process that outlived its supervisor is reaped by init; until then it is a zombie
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except FileNotFoundError:
        return False
    return stat.split(") ", 1)[1][0] != "Z"


def test_two_processes_run_the_queued_cases_and_stop_when_the_queues_are_empty(
    queued_desk: ExceptionDesk, example_network: NetworkSnapshot, tmp_path: Path
) -> None:
    orders = open_orders(example_network)[:6]
    refs = queued_desk.accept(TENANT, [short_pick(o, f"WMS-P{i}") for i, o in enumerate(orders)])
    log = tmp_path / "worker.log"

    with _supervising(queued_desk, log, "--processes", "2", "--burst") as supervisor:
        assert supervisor.wait(timeout=180) == 0, log.read_text()
    assert len(set(_started(log))) == 2
    assert _ready(log) == 2, log.read_text()
    assert all_stopped(queued_desk, TENANT)
    assert {queued_desk.case(TENANT, r.case_id).status for r in refs} <= {
        "awaiting_approval",
        "escalated",
        "resolved",
    }


def test_a_process_that_dies_is_replaced_and_sigterm_stops_every_one(
    queued_desk: ExceptionDesk, tmp_path: Path
) -> None:
    log = tmp_path / "worker.log"
    with _supervising(queued_desk, log, "--processes", "2") as supervisor:
        assert wait_for(lambda: _ready(log) == 2, 120), log.read_text()
        first, second = _started(log)

        os.kill(first, signal.SIGKILL)

        assert wait_for(lambda: _ready(log) == 3, 120), log.read_text()
        assert "exited with code -9: starting another" in log.read_text()
        replacement = _started(log)[2]
        supervisor.send_signal(signal.SIGTERM)
        assert supervisor.wait(timeout=60) == 0, log.read_text()
        assert not _alive(second)
        assert not _alive(replacement)


def test_sigterm_while_its_processes_start_is_a_clean_stop(
    queued_desk: ExceptionDesk, tmp_path: Path
) -> None:
    log = tmp_path / "worker.log"
    with _supervising(queued_desk, log, "--processes", "2") as supervisor:
        assert wait_for(lambda: len(_started(log)) == 2, 60, every=0.05), log.read_text()

        supervisor.send_signal(signal.SIGTERM)  # before they have opened their desks

        assert supervisor.wait(timeout=60) == 0, log.read_text()
        assert _ready(log) == 0
        assert not any(_alive(pid) for pid in _started(log))


def test_its_processes_stop_when_the_supervisor_is_killed(
    queued_desk: ExceptionDesk, tmp_path: Path
) -> None:
    log = tmp_path / "worker.log"
    with _supervising(queued_desk, log, "--processes", "2") as supervisor:
        assert wait_for(lambda: _ready(log) == 2, 120), log.read_text()
        workers = _started(log)

        supervisor.kill()
        supervisor.wait(timeout=30)

        assert wait_for(lambda: not any(_alive(pid) for pid in workers), 30), log.read_text()
        assert log.read_text().count("is gone: stopping") == 2


def test_processes_that_keep_failing_at_start_stop_it_with_one_line(
    queued_desk: ExceptionDesk, tmp_path: Path
) -> None:
    log = tmp_path / "worker.log"
    nobody = "postgresql://nobody@127.0.0.1:1/exdesk"

    with _supervising(
        queued_desk, log, "--processes", "2", EXDESK_DATABASE_URL=nobody
    ) as supervisor:
        assert supervisor.wait(timeout=120) == 1
    last = log.read_text().strip().splitlines()[-1]
    assert last.startswith("exdesk: error: worker processes exited 5 times in a row"), last
    assert not any(_alive(pid) for pid in _started(log))
