"""``exdesk keys list|revoke|rotate`` and ``--expires-in``: a key's life, each step effective
on the next request (nothing caches a key)."""

from __future__ import annotations

from exdesk.store.api_keys import Principal, authenticate
from tests.cli.conftest import Cli, connect, error_line


def _key(cli: Cli, *options: str) -> tuple[str, str]:
    result = cli.ok("keys", "create", "--role", "ops", "--user", "olga", *options)
    key = result.stdout.strip()
    return key.split("_")[1], key


def _principal(database_url: str, key: str) -> Principal | None:
    with connect(database_url) as conn:
        return authenticate(conn, key)


def test_list_shows_each_key_its_state_and_last_use_never_its_secret(
    cli: Cli, cli_env: str
) -> None:
    used_id, used = _key(cli)
    idle_id, idle = _key(cli, "--expires-in", "30")
    assert _principal(cli_env, used) is not None

    listing = cli.ok("keys", "list").stdout

    [used_line] = [line for line in listing.splitlines() if line.startswith(used_id)]
    [idle_line] = [line for line in listing.splitlines() if line.startswith(idle_id)]
    assert "olga" in used_line
    assert "active" in used_line
    assert used_line.rstrip().split()[-1] != "-", "the use is recorded"
    assert idle_line.rstrip().endswith("-"), "never used"
    # The secret is all that follows the key id (it may itself hold underscores).
    assert used.split("_", 2)[2] not in listing
    assert idle.split("_", 2)[2] not in listing


def test_a_revoked_key_is_refused_on_its_next_request(cli: Cli, cli_env: str) -> None:
    key_id, key = _key(cli)
    assert _principal(cli_env, key) is not None

    cli.ok("keys", "revoke", key_id)

    assert _principal(cli_env, key) is None
    assert "revoked" in cli.ok("keys", "list").stdout
    again = cli("keys", "revoke", key_id)
    assert again.exit_code == 3
    assert key_id in error_line(again)


def test_rotation_revokes_the_old_key_and_keeps_user_and_roles(cli: Cli, cli_env: str) -> None:
    key_id, old = _key(cli)

    rotated = cli.ok("keys", "rotate", key_id)

    new = rotated.stdout.strip()
    principal = _principal(cli_env, new)
    assert principal is not None
    assert (principal.user, principal.roles) == ("olga", frozenset({"ops"}))
    assert principal.key_id != key_id
    assert _principal(cli_env, old) is None


def test_an_expired_key_is_refused(cli: Cli, cli_env: str) -> None:
    key_id, key = _key(cli, "--expires-in", "1")
    assert _principal(cli_env, key) is not None
    with connect(cli_env) as conn:
        conn.execute(
            "UPDATE api_keys SET expires_at = now() - interval '1 second' WHERE key_id = %s",
            (key_id,),
        )

    assert _principal(cli_env, key) is None
    assert "expired" in cli.ok("keys", "list").stdout


def test_revoking_another_tenants_key_is_not_found(cli: Cli, cli_env: str) -> None:
    result = cli.ok("keys", "create", "--role", "ops", "--tenant", "globex")
    key_id = result.stdout.strip().split("_")[1]

    refused = cli("keys", "revoke", key_id)

    assert refused.exit_code == 3
    assert _principal(cli_env, result.stdout.strip()) is not None
