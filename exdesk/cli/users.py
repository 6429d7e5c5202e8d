"""``exdesk users``: the people who sign in to the review console, per tenant."""

from __future__ import annotations

import sys
from typing import Annotated, cast

import typer

from exdesk.domain import ROLES, Role

users_app = typer.Typer(
    help="People who sign in to the console.", no_args_is_help=True, rich_markup_mode=None
)


def _people_roles(values: list[str]) -> list[str]:
    allowed = [role for role in ROLES if role != "integration"]
    unknown = [v for v in values if v not in allowed]
    if unknown:
        raise typer.BadParameter(f"unknown role {unknown[0]!r}; roles: {', '.join(allowed)}")
    return values


@users_app.command("create")
def users_create(
    user: Annotated[str, typer.Option("--user", help="The user name (compared case-folded).")],
    role: Annotated[
        list[str],
        typer.Option("--role", help="A role (repeat for several).", callback=_people_roles),
    ],
    password_stdin: Annotated[
        bool, typer.Option("--password-stdin", help="Read the password from standard input.")
    ] = False,
) -> None:
    """Create a user of the tenant; the password is asked for (never an argument)."""
    from exdesk.cli.app import _handled, open_desk
    from exdesk.service.people import create_user

    if password_stdin:
        password = sys.stdin.readline().rstrip("\n")
    else:
        password = typer.prompt("Password", hide_input=True, confirmation_prompt=True)
    with open_desk() as (desk, tenant), _handled():
        created = create_user(desk.db, tenant, user, cast(list[Role], role), password)
    typer.echo(f"user {created.user_name} ({', '.join(sorted(created.roles))}) on tenant {tenant}")


@users_app.command("disable")
def users_disable(
    user: Annotated[str, typer.Option("--user", help="The user to disable.")],
) -> None:
    """Disable a user: no more sign-in, and their open sessions end now."""
    from exdesk.cli.app import _handled, open_desk
    from exdesk.service.people import disable

    with open_desk() as (desk, tenant), _handled():
        disable(desk.db, tenant, user)
    typer.echo(f"user {user} disabled on tenant {tenant}")


@users_app.command("list")
def users_list() -> None:
    """The tenant's users, their roles and whether they can sign in."""
    from exdesk.cli.app import _handled, open_desk
    from exdesk.service.people import users

    with open_desk() as (desk, tenant), _handled():
        found = users(desk.db, tenant)
    for person in found:
        state = "disabled" if person.disabled else "active"
        if person.locked_until is not None and not person.disabled:
            state += f", locked until {person.locked_until:%Y-%m-%d %H:%M} UTC"
        typer.echo(f"{person.user_name:<24} {', '.join(sorted(person.roles)):<28} {state}")
