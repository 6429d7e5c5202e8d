"""Bad configuration stops ``exdesk`` with one line naming the variable; the real entry point."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from exdesk.store.network import NetworkReader
from tests.cli.conftest import NETWORK_FILE, TENANT, Cli, connect, error_line, point_at

UNREACHABLE = "postgresql://exdesk@127.0.0.1:1/nowhere"
"""A database nobody listens on: a test that got past the settings would fail differently."""


@pytest.fixture
def offline_cli(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Cli:
    """``exdesk`` with a sane environment but no reachable database."""
    point_at(monkeypatch, UNREACHABLE, tmp_path)
    return Cli()


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("EXDESK_CLASSIFIER_ENGINE", "banana"),
        ("EXDESK_DATABASE_URL", "mysql://x"),
        ("EXDESK_WORKERS", "0"),
        ("EXDESK_POLICY_FILE", "/nonexistent/policy.yaml"),
        ("EXDESK_TELEMETRY_EXPORTER", "carrier-pigeon"),
    ],
)
def test_a_bad_setting_is_one_line_naming_the_variable(
    offline_cli: Cli, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    monkeypatch.setenv(variable, value)

    result = offline_cli("cases", "list")

    assert result.exit_code != 0
    assert variable in error_line(result)
    assert result.stdout == ""


@pytest.mark.parametrize(
    ("variable", "value"), [("DATABASE_URL", "mysql://x"), ("OPENAI_API_KEY", "changeme")]
)
def test_a_bad_unprefixed_variable_is_named_as_set(
    offline_cli: Cli, monkeypatch: pytest.MonkeyPatch, variable: str, value: str
) -> None:
    if variable == "DATABASE_URL":
        monkeypatch.delenv("EXDESK_DATABASE_URL")  # it would take precedence
    monkeypatch.setenv(variable, value)

    result = offline_cli("cases", "list")

    assert result.exit_code != 0
    assert f" {variable}:" in error_line(result)


def test_the_openai_engine_without_credentials_is_one_line(
    offline_cli: Cli, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("EXDESK_DRAFTER_ENGINE", "openai")

    result = offline_cli("cases", "list")

    assert result.exit_code == 2
    line = error_line(result)
    assert "OPENAI_API_KEY" in line
    assert "drafter" in line


def test_an_unreachable_database_is_one_line(offline_cli: Cli) -> None:
    result = offline_cli("cases", "list")

    assert result.exit_code != 0
    assert "cannot connect to the database" in error_line(result)


def test_the_installed_entry_point_loads_a_network(cli_env: str, tmp_path: Path) -> None:
    """The one end-to-end run through a real interpreter, configured only by environment."""
    env = {
        name: value
        for name, value in os.environ.items()
        if name.startswith("EXDESK_") or name in {"PATH", "HOME", "LANG", "TMPDIR"}
    }
    command = [sys.executable, "-m", "exdesk.cli", "network", "load", str(NETWORK_FILE)]

    done = subprocess.run(
        command, env=env, cwd=tmp_path, capture_output=True, text=True, timeout=120, check=False
    )

    assert done.returncode == 0, done.stderr
    expected = {kind: len(items) for kind, items in json.loads(NETWORK_FILE.read_text()).items()}
    prefix = f"loaded network for tenant {TENANT}: "
    assert done.stdout.startswith(prefix)
    printed = dict(item.split(" ")[::-1] for item in done.stdout[len(prefix) :].strip().split(", "))
    assert {kind: int(n) for kind, n in printed.items()} == expected
    with connect(cli_env) as conn:
        assert NetworkReader(conn, TENANT).counts() == expected
    assert not (tmp_path / ".exdesk").exists(), "the configured database was used"
