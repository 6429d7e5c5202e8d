"""A real fleet for tests: `exdesk serve` and `exdesk worker` processes on one database.

Each process is the installed command line started as a user starts it (``python -m
exdesk.cli``), configured through the environment; tests talk to the API over HTTP on
127.0.0.1 and may SIGKILL a worker at any moment.
"""

from __future__ import annotations

import os
import random
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import httpx

from exdesk.settings import Settings


def free_port() -> int:
    """A TCP port of 127.0.0.1 nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def fleet_environment(settings: Settings, extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment a fleet process of these settings runs with (queue mode)."""
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("EXDESK_") and key != "DATABASE_URL"
    }
    assert settings.database_url is not None
    env.update(
        EXDESK_DATABASE_URL=settings.database_url,
        EXDESK_DATA_DIR=str(settings.data_dir),
        EXDESK_TELEMETRY_EXPORTER="none",
        EXDESK_RUN_CASES="queue",
        EXDESK_LOG_LEVEL="WARNING",
    )
    if settings.migration_database_url:
        env["EXDESK_MIGRATION_DATABASE_URL"] = settings.migration_database_url
    env.update(extra or {})
    return env


@dataclass
class Fleet:
    """The API and the workers of one test."""

    api_url: str
    env: dict[str, str]
    logs: Path
    concurrency: int
    api: subprocess.Popen[bytes] | None = None
    workers: list[subprocess.Popen[bytes]] = field(default_factory=list)
    killed: int = 0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def _start(self, name: str, *args: str) -> subprocess.Popen[bytes]:
        with (self.logs / f"{name}.log").open("ab") as log:  # the child keeps its own copy
            return subprocess.Popen(
                [sys.executable, "-m", "exdesk.cli", *args],
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )

    def start_worker(self) -> None:
        """One more worker process."""
        with self.lock:
            index = len(self.workers) + self.killed
            self.workers.append(
                self._start(f"worker-{index}", "worker", "--concurrency", str(self.concurrency))
            )

    def kill_worker(self, index: int) -> None:
        """SIGKILL a worker (no clean shutdown) and start a replacement."""
        with self.lock:
            victim = self.workers.pop(index % len(self.workers))
            self.killed += 1
        victim.send_signal(signal.SIGKILL)
        victim.wait(timeout=30)
        self.start_worker()

    def alive(self) -> bool:
        """Whether the API and every worker still run."""
        with self.lock:
            processes = [self.api, *self.workers]
        return all(p is not None and p.poll() is None for p in processes)

    def stop(self) -> None:
        """Stop everything: SIGTERM (workers finish their job), then SIGKILL stragglers."""
        with self.lock:
            processes = [p for p in (self.api, *self.workers) if p is not None]
        for process in processes:
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=30)

    def log_tail(self, lines: int = 15) -> str:
        """The end of every process's log, for an assertion message."""
        parts = []
        for path in sorted(self.logs.glob("*.log")):
            text = path.read_text(errors="replace").splitlines()[-lines:]
            parts.append(f"--- {path.name}\n" + "\n".join(text))
        return "\n".join(parts)


@contextmanager
def running_fleet(
    settings: Settings,
    logs: Path,
    *,
    workers: int,
    concurrency: int = 4,
    extra_env: dict[str, str] | None = None,
    start_timeout: float = 120.0,
) -> Iterator[Fleet]:
    """`exdesk serve` and ``workers`` worker processes for the block; stopped after it."""
    logs.mkdir(parents=True, exist_ok=True)
    port = free_port()
    fleet = Fleet(
        api_url=f"http://127.0.0.1:{port}",
        env=fleet_environment(settings, extra_env),
        logs=logs,
        concurrency=concurrency,
    )
    try:
        fleet.api = fleet._start("api", "serve", "--host", "127.0.0.1", "--port", str(port))
        for _ in range(workers):
            fleet.start_worker()
        _wait_until_up(fleet, start_timeout)
        yield fleet
    finally:
        fleet.stop()


def _wait_until_up(fleet: Fleet, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if not fleet.alive():
            raise RuntimeError("a fleet process exited at start\n" + fleet.log_tail())
        if _api_answers(fleet) and all(_worker_ready(fleet, w) for w in range(len(fleet.workers))):
            return
        time.sleep(0.2)
    raise RuntimeError("the fleet was not up in time\n" + fleet.log_tail())


def _api_answers(fleet: Fleet) -> bool:
    try:
        return httpx.get(f"{fleet.api_url}/healthz", timeout=2).status_code == 200
    except httpx.TransportError:
        return False


def _worker_ready(fleet: Fleet, index: int) -> bool:
    """Whether the worker has opened its desk (it says so once its agents are loaded)."""
    log = fleet.logs / f"worker-{index}.log"
    return log.exists() and "exdesk worker:" in log.read_text(errors="replace")


@contextmanager
def chaos(
    fleet: Fleet, every: float, seed: int = 7, first_after: float | None = None
) -> Iterator[list[float]]:
    """SIGKILL a random worker ``first_after`` seconds into the block (default ``every``),
    then every ``every`` seconds (a replacement starts at once); yields the list of kill
    times, which grows while the block runs."""
    rng = random.Random(seed)
    kills: list[float] = []
    stop = threading.Event()

    def loop() -> None:
        wait = every if first_after is None else first_after
        while not stop.wait(wait):
            fleet.kill_worker(rng.randrange(1_000))
            kills.append(time.monotonic())
            wait = every

    thread = threading.Thread(target=loop, name="chaos", daemon=True)
    thread.start()
    try:
        yield kills
    finally:
        stop.set()
        thread.join(timeout=60)
