"""The project's top-level packages are the repository's, never a PyPI namesake
(``openai-agents`` installs ``agents``, OpenAI's evals installs ``evals``)."""

from __future__ import annotations

import importlib
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize(
    "package", ["exdesk", "agents", "policies", "tools", "workflows", "api", "evals"]
)
def test_package_imports_from_the_repository(package: str) -> None:
    module = importlib.import_module(package)
    assert module.__file__ is not None
    assert Path(module.__file__).resolve().parent == REPO / package
