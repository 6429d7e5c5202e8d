"""``exdesk audit verify`` on a clean and a tampered log; ``exdesk keys create``."""

from __future__ import annotations

import base64
from pathlib import Path

import pytest

from exdesk.domain import Case, NetworkSnapshot
from exdesk.store.api_keys import authenticate
from exdesk.store.checkpoint import LedgerCheckpoint
from tests.cli.conftest import Cli, connect, jsonl_cases, write_events
from tests.support.postgres import superuser_url
from tests.support.scenarios import open_orders, short_pick, vague_note


@pytest.fixture
def two_cases(network_cli: Cli, tmp_path: Path, example_network: NetworkSnapshot) -> list[Case]:
    """Two ingested cases, each with its chain of decision records."""
    events = [short_pick(open_orders(example_network)[0], "wms-a1"), vague_note("note-a1")]
    file = write_events(tmp_path / "events.jsonl", events)
    return jsonl_cases(network_cli.ok("ingest", file, "--format", "jsonl"))


def test_verify_says_ok_on_a_clean_log(network_cli: Cli, two_cases: list[Case]) -> None:
    result = network_cli.ok("audit", "verify")

    assert "OK" in result.stdout
    records = sum(len(c.decisions) for c in two_cases)
    assert f"2 cases, {records} decision records" in result.stdout
    assert result.stderr == ""


def test_verify_names_the_case_and_record_changed_behind_its_back(
    network_cli: Cli, cli_env: str, two_cases: list[Case]
) -> None:
    tampered = two_cases[1]
    record = next(d for d in tampered.decisions if d.step == "classify")
    with connect(superuser_url(cli_env)) as conn:
        conn.execute("SET session_replication_role = replica")
        conn.execute(
            'UPDATE decision_records SET output = output || \'{"category": "other"}\''
            " WHERE case_id = %s AND seq = %s",
            (tampered.case_id, record.seq),
        )

    result = network_cli("audit", "verify")

    assert result.exit_code == 1
    assert "OK" not in result.stdout
    first = result.stderr.splitlines()[0]
    assert f"case {tampered.case_id} record {record.seq}" in first
    assert two_cases[0].case_id not in result.stderr


@pytest.mark.parametrize("roles", [["ops"], ["ops", "finance"]])
def test_a_created_key_authenticates_as_its_user_roles_and_tenant(
    cli: Cli, cli_env: str, roles: list[str]
) -> None:
    role_options = [arg for role in roles for arg in ("--role", role)]

    result = cli.ok("keys", "create", *role_options, "--user", "alice")

    [key] = result.stdout.split()
    with connect(cli_env) as conn:
        principal = authenticate(conn, key)
    assert principal is not None
    assert principal.tenant_id == "acme"
    assert principal.user == "alice"
    assert principal.roles == frozenset(roles)
    assert principal.key_id in result.stderr
    assert key not in result.stderr


def test_a_key_for_another_tenant(cli: Cli, cli_env: str) -> None:
    [key] = cli.ok("keys", "create", "--role", "integration", "--tenant", "globex").stdout.split()

    with connect(cli_env) as conn:
        principal = authenticate(conn, key)
    assert principal is not None
    assert (principal.tenant_id, principal.user) == ("globex", "api")


def test_an_unknown_role_creates_no_key(cli: Cli, cli_env: str) -> None:
    result = cli("keys", "create", "--role", "superuser", "--user", "alice")

    assert result.exit_code == 2
    assert "superuser" in result.stderr
    assert result.stdout == ""
    with connect(cli_env) as conn:
        row = conn.execute("SELECT count(*) AS n FROM api_keys").fetchone()
    assert row is not None
    assert row["n"] == 0


def test_a_checkpoint_and_an_export_verify_offline(
    network_cli: Cli, cli_env: str, two_cases: list[Case], tmp_path: Path
) -> None:
    checkpoint, export = tmp_path / "checkpoint.json", tmp_path / "export"

    signed = network_cli.ok("audit", "checkpoint", "--out", checkpoint)
    exported = network_cli.ok("audit", "export", "--out", export)
    online = network_cli.ok("audit", "verify", "--checkpoint", checkpoint)
    offline = network_cli.ok("audit", "verify", "--export", export, "--checkpoint", checkpoint)

    written = LedgerCheckpoint.model_validate_json(checkpoint.read_text())
    assert f"signed by key {written.key_fingerprint}" in signed.stdout
    assert "exported tenant acme: 2 cases" in exported.stdout
    assert {p.name for p in export.iterdir()} == {
        "manifest.json",
        *(f"{name}.jsonl" for name in ("ledger", "cases", "records", "approvals", "outbox")),
    }
    for result in (online, offline):
        assert "OK" in result.stdout
        assert f"the ledger still holds entry {written.ledger_seq}" in result.stdout


def test_an_offline_verify_names_a_change_made_after_the_export(
    network_cli: Cli, two_cases: list[Case], tmp_path: Path
) -> None:
    export = tmp_path / "export"
    network_cli.ok("audit", "export", "--out", export)
    approvals = (export / "approvals.jsonl").read_text().replace('"cs_rep"', '"finance"')
    (export / "approvals.jsonl").write_text(approvals)

    result = network_cli("audit", "verify", "--export", export)

    assert result.exit_code == 1
    assert "differs from what the record that opened it committed to" in result.stderr


def test_a_checkpoint_of_another_key_fails_verification(
    network_cli: Cli, two_cases: list[Case], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    checkpoint = tmp_path / "checkpoint.json"
    network_cli.ok("audit", "checkpoint", "--out", checkpoint)
    other = base64.b64encode(bytes(range(32))).decode()
    monkeypatch.setenv("EXDESK_LEDGER_SIGNING_KEY", other)

    result = network_cli("audit", "verify", "--checkpoint", checkpoint)

    assert result.exit_code == 1
    assert "this desk's key" in result.stderr
