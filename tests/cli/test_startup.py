"""`exdesk --help` answers at once: the heavy layers load only in the commands that use them."""

from __future__ import annotations

import json
import subprocess
import sys

HEAVY = ("langgraph", "psycopg", "numpy", "sklearn", "openai", "opentelemetry", "fastapi")


def _top_level_modules_after(statement: str) -> set[str]:
    report = "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules})))"
    probe = f"{statement}\nimport json, sys\n{report}"
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, timeout=120
    )
    return set(json.loads(done.stdout.splitlines()[-1]))


def test_the_command_line_loads_without_the_workflow_engine_the_database_or_the_models() -> None:
    loaded = _top_level_modules_after("import exdesk.cli.app")
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_help_is_printed_without_loading_them_either() -> None:
    statement = (
        "import contextlib, io\nfrom exdesk.cli.app import app\n"
        "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
        "    app(['--help'])"
    )
    loaded = _top_level_modules_after(statement)
    assert loaded.isdisjoint(HEAVY), sorted(loaded & set(HEAVY))


def test_a_command_that_needs_the_desk_still_gets_it() -> None:
    statement = "import exdesk.cli.app\nfrom exdesk.service import ExceptionDesk"
    assert {"langgraph", "psycopg"} <= _top_level_modules_after(statement)
