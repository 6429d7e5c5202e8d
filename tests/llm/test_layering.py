"""``exdesk.llm`` is kernel level: importing it loads none of the application's layers."""

from __future__ import annotations

import subprocess
import sys

LAYERS = ("agents", "workflows", "policies", "tools", "api", "evals", "desk", "store")


def test_the_model_package_imports_no_application_layer() -> None:
    probe = (
        "import sys, exdesk.llm; "
        "print(sorted(m for m in sys.modules "
        f"if m.startswith('exdesk.') and m.split('.')[1] in {LAYERS!r}))"
    )
    loaded = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True
    )
    assert loaded.stdout.strip() == "[]"
