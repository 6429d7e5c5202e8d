"""``exdesk users``: people of the tenant for the console; a CLI decision says ``via cli``."""

from __future__ import annotations

from tests.cli.conftest import Cli

PASSWORD = "correct horse battery"


def test_users_are_created_listed_and_disabled(cli: Cli) -> None:
    created = cli(
        *("users", "create", "--user", "Rita", "--role", "cs_rep", "--role", "ops"),
        "--password-stdin",
        input=PASSWORD + "\n",
    )
    assert created.exit_code == 0, created.stderr
    assert "user rita (cs_rep, ops) on tenant acme" in created.stdout
    listed = cli.ok("users", "list").stdout
    assert "rita" in listed
    assert "cs_rep, ops" in listed
    assert "active" in listed
    cli.ok("users", "disable", "--user", "RITA")
    assert "disabled" in cli.ok("users", "list").stdout
    assert cli("users", "disable", "--user", "nobody").exit_code == 3


def test_a_short_password_and_the_integration_role_are_refused(cli: Cli) -> None:
    short = cli(
        "users", "create", "--user", "rita", "--role", "cs_rep", "--password-stdin", input="short\n"
    )
    assert short.exit_code == 2
    assert "at least 12 characters" in short.stderr
    system = cli("users", "create", "--user", "bridge", "--role", "integration", "--password-stdin")
    assert system.exit_code == 2
