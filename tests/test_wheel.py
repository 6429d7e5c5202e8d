"""The built wheel is the product a user installs: one top-level package holding its data
files, and a CLI that works from any directory beside ``openai-agents`` (which owns the
import name ``agents``)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent

pytestmark = pytest.mark.slow

DATA_FILES = (
    "exdesk/store/migrations/0001_foundation.sql",
    "exdesk/store/migrations/0007_console_users.sql",
    "exdesk/console/templates/case.html",
    "exdesk/console/static/console.js",
    "exdesk/console/static/console.css",
    "exdesk/policies/default.yaml",
    "exdesk/agents/customer_drafter/templates/en.yaml",
    "exdesk/agents/classifier/data/train/carrier_delay.jsonl",
    "exdesk/examples/network.json",
    "exdesk/examples/exceptions.jsonl",
    "exdesk/evals/datasets/classifier/heldout/carrier_delay.jsonl",
)


def _run(*command: str | Path, cwd: Path, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(
        [str(part) for part in command],
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, f"{command}: {done.stderr[-2000:]}"
    return done.stdout


def source_tree(target: Path) -> Path:
    """The repository's files as git sees them (tracked and new, ignored ones left out),
    symbolic links kept: what a fresh clone holds, without a stale ``build/`` directory."""
    listed = _run("git", "ls-files", "-z", "-co", "--exclude-standard", cwd=REPO)
    for name in filter(None, listed.split("\0")):
        source, copy = REPO / name, target / name
        if not source.exists() and not source.is_symlink():
            continue  # deleted in the working tree, not yet committed
        copy.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, copy, follow_symlinks=False)
    return target


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    tree = source_tree(tmp_path_factory.mktemp("source"))
    _run(sys.executable, "-m", "pip", "wheel", "--no-deps", "--quiet", "-w", out, tree, cwd=out)
    return next(out.glob("exception_desk-*.whl"))


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh virtualenv with the wheel and openai-agents; the other dependencies are
    borrowed from the test environment's site-packages (a path entry, so its editable
    finder for this repository is not loaded)."""
    venv = tmp_path_factory.mktemp("venv")
    _run(sys.executable, "-m", "venv", "--without-pip", venv, cwd=venv)
    python = venv / "bin" / "python"
    site = Path(
        _run(
            python, "-c", "import sysconfig; print(sysconfig.get_path('purelib'))", cwd=venv
        ).strip()
    )
    (site / "borrowed.pth").write_text(sysconfig.get_path("purelib") + "\n", encoding="utf-8")
    pip = (sys.executable, "-m", "pip", "--python", python, "install", "--quiet", "--no-deps")
    _run(*pip, wheel, cwd=venv)
    _run(*pip, "openai-agents", cwd=venv)
    return venv


def test_the_wheel_holds_exactly_one_top_level_package_with_its_data(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
    tops = {name.split("/")[0] for name in names if not name.split("/")[0].endswith(".dist-info")}
    assert tops == {"exdesk"}
    missing = [path for path in DATA_FILES if path not in names]
    assert not missing


def test_the_cli_runs_outside_the_repository_beside_openai_agents(
    installed: Path, tmp_path: Path
) -> None:
    python = installed / "bin" / "python"
    probe = "import importlib.util as u; print(u.find_spec('agents').origin)"
    owner = _run(python, "-c", probe, cwd=tmp_path)
    assert "site-packages/agents" in owner  # openai-agents really owns the name here
    help_text = _run(installed / "bin" / "exdesk", "--help", cwd=tmp_path)
    assert "demo" in help_text
    env = {
        **os.environ,
        "EXDESK_DATA_DIR": str(tmp_path / "data"),
        "EXDESK_TELEMETRY_EXPORTER": "none",
    }
    env.pop("DATABASE_URL", None)
    env.pop("EXDESK_DATABASE_URL", None)
    demo = _run(installed / "bin" / "exdesk", "demo", "--no-serve", cwd=tmp_path, env=env)
    assert "79 cases" in demo or "cases for tenant" in demo
    assert "Review console: http://127.0.0.1:8000/console" in demo
    assert "demo-rep" in demo
