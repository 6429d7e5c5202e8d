"""One import root: every layer installs as a subpackage of ``exdesk``, read from its
top-level folder of this repository; the bare folder names are never importable, so a
PyPI namesake (``openai-agents`` installs ``agents``, OpenAI's evals installs ``evals``)
can never shadow or be shadowed by them."""

from __future__ import annotations

import importlib
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent
LAYERS = ("agents", "policies", "tools", "workflows", "api", "console", "evals", "examples")


@pytest.mark.parametrize("layer", LAYERS)
def test_each_layer_is_a_subpackage_of_exdesk_read_from_its_folder(layer: str) -> None:
    module = importlib.import_module(f"exdesk.{layer}")
    assert module.__file__ is not None
    assert Path(module.__file__).resolve() == REPO / layer / "__init__.py"


def test_the_bare_folder_names_are_not_importable(tmp_path: Path) -> None:
    """Run where the repository is not on the path, as a user's program would."""
    probe = "import importlib.util as u, sys; print([n for n in sys.argv[1:] if u.find_spec(n)])"
    found = subprocess.run(
        [sys.executable, "-c", probe, *LAYERS],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        check=True,
    )
    assert found.stdout.strip() == "[]"
