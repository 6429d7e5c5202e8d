"""``exdesk network load``: a snapshot replaces the tenant's reference data, or nothing does."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from exdesk.store.network import NetworkReader
from tests.cli.conftest import NETWORK_FILE, TENANT, Cli, connect, error_line


def network_document() -> dict[str, Any]:
    """The example snapshot as plain JSON, a fresh copy each call."""
    document: dict[str, Any] = json.loads(NETWORK_FILE.read_text(encoding="utf-8"))
    return document


def stored_counts(database_url: str) -> dict[str, int]:
    """How many objects of each kind ``acme`` holds."""
    with connect(database_url) as conn:
        return NetworkReader(conn, TENANT).counts()


def test_load_reports_what_it_stored(cli: Cli, cli_env: str) -> None:
    document = network_document()

    result = cli.ok("network", "load", NETWORK_FILE)

    assert result.stdout.startswith(f"loaded network for tenant {TENANT}: ")
    expected = {kind: len(items) for kind, items in document.items()}
    for kind, count in expected.items():
        assert f"{count} {kind}" in result.stdout
    assert stored_counts(cli_env) == expected


def _dangling_sku(path: Path) -> tuple[str, ...]:
    document = network_document()
    document["orders"][3]["lines"][0]["sku"] = "NOPE-00000"
    path.write_text(json.dumps(document), encoding="utf-8")
    return ("orders[3].lines[0].sku",)


def _negative_quantity(path: Path) -> tuple[str, ...]:
    document = network_document()
    document["orders"][3]["lines"][0]["qty"] = -2
    path.write_text(json.dumps(document), encoding="utf-8")
    return ("orders[3].lines[0].qty",)


def _invalid_json(path: Path) -> tuple[str, ...]:
    path.write_text(NETWORK_FILE.read_text(encoding="utf-8")[:5000], encoding="utf-8")
    return ("invalid json",)


def _missing_file(path: Path) -> tuple[str, ...]:
    return ("no such file",)


def _nul_in_a_name(path: Path) -> tuple[str, ...]:
    document = network_document()
    document["customers"][2]["name"] = "Canyon\u0000Castings"
    path.write_text(json.dumps(document), encoding="utf-8")
    return ("customers[2].name: contains a nul",)


def _not_utf8(path: Path) -> tuple[str, ...]:
    path.write_bytes(NETWORK_FILE.read_bytes().replace(b'"orders"', b'"ord\xe9rs"', 1))
    return ("not utf-8",)


@pytest.mark.parametrize(
    "spoil",
    [_dangling_sku, _negative_quantity, _invalid_json, _missing_file, _nul_in_a_name, _not_utf8],
    ids=["dangling-reference", "invalid-field", "invalid-json", "missing-file", "nul", "latin-1"],
)
def test_a_bad_snapshot_is_refused_in_one_line_and_changes_nothing(
    network_cli: Cli,
    cli_env: str,
    tmp_path: Path,
    spoil: Callable[[Path], tuple[str, ...]],
) -> None:
    before = stored_counts(cli_env)
    original_order = network_document()["orders"][3]
    bad_file = tmp_path / "snapshot.json"
    names = spoil(bad_file)

    result = network_cli("network", "load", bad_file)

    assert result.exit_code == 2
    line = error_line(result)
    assert str(bad_file) in line
    assert any(name in line.lower() for name in names), line
    assert result.stdout == ""
    assert stored_counts(cli_env) == before
    with connect(cli_env) as conn:
        stored = NetworkReader(conn, TENANT).order(original_order["order_id"])
    assert stored is not None
    assert stored.lines[0].sku == original_order["lines"][0]["sku"]


def test_a_snapshot_of_another_tenant_is_refused_naming_file_and_object(
    network_cli: Cli, cli_env: str, tmp_path: Path
) -> None:
    before = stored_counts(cli_env)
    document = network_document()
    document["warehouses"][1]["tenant_id"] = "globex"
    bad_file = tmp_path / "globex.json"
    bad_file.write_text(json.dumps(document), encoding="utf-8")

    result = network_cli("network", "load", bad_file)

    assert result.exit_code == 2
    line = error_line(result)
    assert "warehouses[1].tenant_id" in line
    assert stored_counts(cli_env) == before
    assert str(bad_file) in line


def test_an_empty_snapshot_is_refused_naming_what_it_would_delete_unless_replace(
    network_cli: Cli, cli_env: str, tmp_path: Path
) -> None:
    before = stored_counts(cli_env)
    empty = tmp_path / "empty.json"
    empty.write_text("{}", encoding="utf-8")

    refused = network_cli("network", "load", empty)

    assert refused.exit_code != 0
    line = error_line(refused)
    assert f"{before['orders']} orders" in line
    assert "replace" in line
    assert stored_counts(cli_env) == before

    replaced = network_cli("network", "load", empty, "--replace")

    assert replaced.exit_code == 0, replaced.stdout
    assert set(stored_counts(cli_env).values()) == {0}
