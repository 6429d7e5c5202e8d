"""Models fitted at first use are cached whole, and processes that start together on a
fresh data directory fit a missing model once: one builds, the others load what it wrote."""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

from exdesk.model_cache import load_or_build

_START = """
import sys, time
from pathlib import Path
from exdesk.model_cache import load_or_build

path, log, go = Path(sys.argv[1]), Path(sys.argv[2]), Path(sys.argv[3])

def build():
    with log.open("a") as out:
        out.write("built\\n")
    time.sleep(0.5)  # long enough for every process to find no model
    return {"weights": 42}

while not go.exists():
    time.sleep(0.01)
assert load_or_build(path, dict, build) == {"weights": 42}
"""


def test_processes_starting_together_build_a_missing_model_once(tmp_path: Path) -> None:
    path, log, go = tmp_path / "models" / "model.pkl", tmp_path / "builds.log", tmp_path / "go"
    processes = [
        subprocess.Popen([sys.executable, "-c", _START, str(path), str(log), str(go)])
        for _ in range(4)
    ]
    time.sleep(1.0)  # they have started and wait for the word
    go.touch()

    assert [p.wait(timeout=120) for p in processes] == [0, 0, 0, 0]
    assert log.read_text().splitlines() == ["built"]
    assert load_or_build(path, dict, lambda: {"weights": 0}) == {"weights": 42}


def test_an_invalid_cached_model_is_built_again(tmp_path: Path) -> None:
    path = tmp_path / "model.pkl"
    load_or_build(path, dict, lambda: {"version": 1})

    rebuilt = load_or_build(path, dict, lambda: {"version": 2}, valid=lambda m: m["version"] == 2)

    assert rebuilt == {"version": 2}
    assert load_or_build(path, dict, lambda: {"version": 3}) == {"version": 2}
