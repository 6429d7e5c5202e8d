"""``exdesk worker --processes N``: N worker processes kept running by one supervisor.

A worker's threads share one interpreter, so one worker process runs its cases' Python
work on about one core whatever its concurrency. The supervisor starts ``N`` worker
processes (each the ordinary ``exdesk worker``, with ``--concurrency`` jobs at once) and:

- starts another when one exits unexpectedly (a crash, the out-of-memory killer): nothing
  is lost — the job it held runs again once it is seen stalled, as for any worker;
- gives up, stopping the others, when they keep failing within seconds of starting (a
  configuration error would otherwise restart forever);
- on SIGTERM or Ctrl-C asks each of them to stop (they finish the job in hand) and exits
  when they have — asked twice, they stop at once, as one worker does on a second Ctrl-C;
  with ``--burst`` it exits when each has emptied the queues.

The processes run in a session of their own, so a terminal's Ctrl-C reaches them once,
through the supervisor, not twice; each watches the supervisor and stops if it goes.
"""

from __future__ import annotations

import logging
import os
import signal
import subprocess
import sys
import threading
import time
from collections.abc import Sequence
from dataclasses import dataclass
from types import FrameType
from typing import Final

logger = logging.getLogger(__name__)

QUICK_EXIT_SECONDS: Final = 10.0
"""A process that fails sooner than this after its start failed at start."""

QUICK_FAILURES_TO_GIVE_UP: Final = 5
"""Failures at start in a row after which the supervisor stops everything."""

_POLL_SECONDS: Final = 0.2
_WATCH_SECONDS: Final = 1.0


@dataclass
class _Slot:
    process: subprocess.Popen[bytes]
    started: float
    done: bool = False


class SupervisorGaveUpError(Exception):
    """The worker processes kept failing at start."""


class WorkerSupervisor:
    """Runs ``processes`` copies of one worker command until stopped."""

    def __init__(self, command: Sequence[str], processes: int, *, burst: bool) -> None:
        self._command = [*command, "--supervisor-pid", str(os.getpid())]
        self._processes = processes
        self._burst = burst
        self._stop_requests = 0
        self._stops_passed_on = 0
        self._wake = threading.Event()
        self._slots: list[_Slot] = []
        self._quick_failures = 0

    def stop(self) -> None:
        """Ask every process to stop: they finish their jobs, and :meth:`run` returns once
        they have. Asked again, they stop at once (their jobs run again later), as a worker
        does on a second Ctrl-C."""
        self._stop_requests += 1
        self._wake.set()

    @property
    def _stopping(self) -> bool:
        return self._stop_requests > 0

    def run(self) -> int:
        """Supervise until stopped (or, with ``burst``, until every process is done); the
        exit code: 0 when every process ended cleanly. SupervisorGaveUpError when they kept
        failing at start."""
        self._slots = [self._start() for _ in range(self._processes)]
        try:
            while not all(slot.done for slot in self._slots):
                if self._stops_passed_on < self._stop_requests:
                    self._stops_passed_on += 1
                    self._signal_all(signal.SIGTERM)
                for index, slot in enumerate(self._slots):
                    if not slot.done and slot.process.poll() is not None:
                        self._slots[index] = self._after_exit(slot)
                self._wake.wait(_POLL_SECONDS)
                self._wake.clear()
        except BaseException:
            self._signal_all(signal.SIGTERM)
            self._wait_all()
            raise
        return 0 if all(_clean(slot.process.returncode) for slot in self._slots) else 1

    def _start(self) -> _Slot:
        # A session of its own: a terminal's Ctrl-C reaches the process once, through us
        # (a second SIGINT would cut its jobs short).
        process = subprocess.Popen(self._command, start_new_session=True)
        logger.info("started worker process %d", process.pid)
        return _Slot(process, time.monotonic())

    def _after_exit(self, slot: _Slot) -> _Slot:
        code = slot.process.returncode
        if self._stopping or (self._burst and code == 0):
            slot.done = True
            return slot
        if time.monotonic() - slot.started < QUICK_EXIT_SECONDS and code != 0:
            self._quick_failures += 1
        else:
            self._quick_failures = 0
        if self._quick_failures >= QUICK_FAILURES_TO_GIVE_UP:
            # run() stops the other processes as it lets this through
            raise SupervisorGaveUpError(
                f"worker processes exited {self._quick_failures} times in a row within"
                f" {QUICK_EXIT_SECONDS:.0f} s of starting (last exit code {code}): see their"
                " messages above"
            )
        logger.warning(
            "worker process %d exited with code %s: starting another", slot.process.pid, code
        )
        return self._start()

    def _signal_all(self, number: signal.Signals) -> None:
        for slot in self._slots:
            if slot.process.poll() is None:
                slot.process.send_signal(number)

    def _wait_all(self) -> None:
        for slot in self._slots:
            slot.process.wait()
            slot.done = True


def _clean(code: int | None) -> bool:
    """Whether a process that was asked to stop ended cleanly: it stopped, or our SIGTERM
    ended it before it had taken a job (its handler not yet installed) or while it was told
    twice."""
    return code in (0, -signal.SIGTERM)


def supervise(command: Sequence[str], processes: int, *, burst: bool) -> int:
    """Run the supervisor in this (main) thread, SIGTERM and SIGINT asking it to stop."""
    supervisor = WorkerSupervisor(command, processes, burst=burst)

    def on_signal(number: int, frame: FrameType | None) -> None:
        supervisor.stop()

    previous = {s: signal.signal(s, on_signal) for s in (signal.SIGTERM, signal.SIGINT)}
    try:
        return supervisor.run()
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


def worker_command(concurrency: int, queues: Sequence[str], *, burst: bool) -> list[str]:
    """The command of one supervised worker process."""
    command = [sys.executable, "-m", "exdesk.cli", "worker", "--processes", "1"]
    command += ["--concurrency", str(concurrency)]
    for queue in queues:
        command += ["--queue", queue]
    return [*command, "--burst"] if burst else command


def watch_supervisor(pid: int) -> None:
    """In a supervised worker: stop this process (as SIGTERM does, finishing its jobs) once
    the supervisor ``pid`` is gone — its parent changes."""

    def watch() -> None:
        while os.getppid() == pid:
            time.sleep(_WATCH_SECONDS)
        logger.warning("the supervisor %d is gone: stopping", pid)
        os.kill(os.getpid(), signal.SIGTERM)

    threading.Thread(target=watch, name="exdesk-supervisor-watch", daemon=True).start()
