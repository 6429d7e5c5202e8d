"""Running Exception Desk in production: ``exdesk worker``, the outbox's dead letters, and
each tenant's delivery connectors and inbound webhook secrets."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from exdesk.domain.actions import DeliveryStatus, OutboxKind
from exdesk.domain.taxonomy import EventSource

if TYPE_CHECKING:
    from exdesk.settings import Settings

outbox_app = typer.Typer(
    help="Outbox messages and their delivery.", no_args_is_help=True, rich_markup_mode=None
)
connectors_app = typer.Typer(
    help="How each kind of message is delivered (per tenant).",
    no_args_is_help=True,
    rich_markup_mode=None,
)
webhooks_app = typer.Typer(
    help="Inbound partner and carrier webhooks.", no_args_is_help=True, rich_markup_mode=None
)


def worker(
    concurrency: Annotated[
        int | None, typer.Option(min=1, max=64, help="Jobs run at once (EXDESK_WORKERS).")
    ] = None,
    queue: Annotated[
        list[str] | None,
        typer.Option(help="Only these queues: cases, delivery, default (repeatable)."),
    ] = None,
    burst: Annotated[
        bool, typer.Option("--burst", help="Stop once the queues are empty (for batch runs).")
    ] = False,
    processes: Annotated[
        int | None,
        typer.Option(
            min=1,
            max=64,
            help="Worker processes, each running --concurrency jobs, kept running by this one"
            " (EXDESK_WORKER_PROCESSES; about one per core).",
        ),
    ] = None,
    supervisor_pid: Annotated[int | None, typer.Option(hidden=True)] = None,
) -> None:
    """Run jobs — case runs, resumes, deliveries, timers — until stopped (SIGTERM/Ctrl-C).
    Run as many workers as you like, on any machine that reaches the database."""
    from exdesk.cli.app import _settings, fail
    from exdesk.cli.supervisor import (
        SupervisorGaveUpError,
        supervise,
        watch_supervisor,
        worker_command,
    )
    from exdesk.telemetry import configure_logging

    settings = _settings()
    configure_logging(settings.log_level)
    jobs = concurrency or settings.workers
    count = processes or settings.worker_processes
    if count > 1:
        typer.echo(f"exdesk worker: {count} processes of {jobs} jobs at once", err=True)
        try:
            code = supervise(worker_command(jobs, queue or [], burst=burst), count, burst=burst)
        except SupervisorGaveUpError as error:
            fail(str(error), 1)
        raise typer.Exit(code)
    if supervisor_pid is not None:
        watch_supervisor(supervisor_pid)
    _work(settings, jobs, queue, burst)


def _work(settings: Settings, concurrency: int, queue: list[str] | None, burst: bool) -> None:
    """Run one worker process's jobs until it stops."""
    from exdesk.cli.app import _handled
    from exdesk.service import ExceptionDesk
    from exdesk.service.heap import settle_heap
    from exdesk.service.jobs import run_worker, worker_app

    with _handled():
        desk = ExceptionDesk.open(settings.model_copy(update={"run_cases": "queue"}))
        desk.warm_up()
    settle_heap()
    try:
        typer.echo(
            f"exdesk worker: {concurrency} jobs at once"
            + (f", queues {', '.join(queue)}" if queue else ""),
            err=True,
        )
        run_worker(
            worker_app(desk, desk.db.url),
            concurrency=concurrency,
            queues=queue or None,
            wait=not burst,
            stalled_worker_timeout=settings.worker_stalled_seconds,
        )
    finally:
        desk.close()


@outbox_app.command("list")
def outbox_list(
    status: Annotated[DeliveryStatus | None, typer.Option(help="Only this status.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
) -> None:
    """The tenant's outbox messages, newest first (``--status dead``: the dead letters)."""
    from exdesk.cli.app import _handled, open_desk

    with open_desk() as (desk, tenant), _handled():
        messages = desk.outbox(tenant, status, limit)
    for m in messages:
        detail = m.last_error or (m.response.detail[:60] if m.response else "")
        typer.echo(
            f"{m.outbox_id}  {m.kind:<16} {m.status:<8} {m.attempts:>2}  {m.case_id}  {detail}"
        )
    typer.echo(f"{len(messages)} messages", err=True)


@outbox_app.command("replay")
def outbox_replay(
    outbox_id: Annotated[str, typer.Argument(help="A dead message.")],
    user: Annotated[str, typer.Option(help="Who replays it (recorded).")],
) -> None:
    """Send a dead message back for delivery (recorded in its case's decision log)."""
    from exdesk.cli.app import _handled, open_desk

    with open_desk() as (desk, tenant), _handled():
        message = desk.replay(tenant, outbox_id, user)
    typer.echo(f"{message.outbox_id}: pending again")


@connectors_app.command("webhook")
def connectors_webhook(
    kind: Annotated[OutboxKind, typer.Argument(help="Which messages it delivers.")],
    url: Annotated[str, typer.Option(help="The receiver's HTTPS endpoint.")],
    secret_env: Annotated[
        str, typer.Option(help="The environment variable holding the HMAC secret.")
    ],
    timeout: Annotated[float, typer.Option(help="Seconds per attempt.")] = 10.0,
) -> None:
    """Deliver one kind of message as signed JSON to a webhook."""
    from exdesk.cli.app import _handled, open_desk
    from exdesk.delivery import WebhookConfig, set_connector
    from exdesk.errors import InputError
    from exdesk.validation import validated

    with open_desk() as (desk, tenant), _handled():
        raw = {"url": url, "secret_env": secret_env, "timeout_seconds": timeout}
        config = validated(WebhookConfig, raw)
        if url.startswith("http://") and not url.startswith(("http://127.", "http://localhost")):
            raise InputError("a webhook outside this machine must use https", location="url")
        with desk.db.connection() as conn:
            set_connector(conn, tenant, kind, config)
    typer.echo(f"{kind} messages of tenant {tenant} go to {url}")


@connectors_app.command("smtp")
def connectors_smtp(
    host: Annotated[str, typer.Option(help="The SMTP server.")],
    sender: Annotated[str, typer.Option(help="The From address.")],
    port: Annotated[int, typer.Option()] = 587,
    starttls: Annotated[bool, typer.Option("--starttls/--no-starttls")] = True,
    username: Annotated[str | None, typer.Option()] = None,
    password_env: Annotated[
        str | None, typer.Option(help="The environment variable holding the password.")
    ] = None,
) -> None:
    """Deliver customer messages as e-mail through an SMTP server."""
    from exdesk.cli.app import _handled, open_desk
    from exdesk.delivery import SmtpConfig, set_connector
    from exdesk.validation import validated

    with open_desk() as (desk, tenant), _handled():
        raw = {
            "host": host,
            "port": port,
            "starttls": starttls,
            "sender": sender,
            "username": username,
            "password_env": password_env,
        }
        config = validated(SmtpConfig, raw)
        with desk.db.connection() as conn:
            set_connector(conn, tenant, "customer_message", config)
    typer.echo(f"customer messages of tenant {tenant} go through {host}:{port}")


@connectors_app.command("list")
def connectors_list() -> None:
    """The tenant's connectors (secrets are named, never shown)."""
    from exdesk.cli.app import _handled, open_desk
    from exdesk.delivery import connectors_of

    with open_desk() as (desk, tenant), _handled(), desk.db.connection() as conn:
        configured = connectors_of(conn, tenant)
    for kind, config in configured.items():
        typer.echo(f"{kind:<16} {config.model_dump_json()}")
    typer.echo(f"{len(configured)} connectors", err=True)


@connectors_app.command("remove")
def connectors_remove(kind: Annotated[OutboxKind, typer.Argument()]) -> None:
    """Stop delivering one kind of message (its messages wait until a connector is set)."""
    from exdesk.cli.app import _handled, open_desk
    from exdesk.delivery import remove_connector
    from exdesk.errors import NotFoundError

    with open_desk() as (desk, tenant), _handled(), desk.db.connection() as conn:
        if not remove_connector(conn, tenant, kind):
            raise NotFoundError(f"no connector for {kind}")
    typer.echo(f"{kind}: no connector")


@webhooks_app.command("secret")
def webhooks_secret(
    source: Annotated[EventSource, typer.Argument(help="The source posting to the webhook.")],
    secret_env: Annotated[
        str, typer.Option(help="The environment variable holding the shared secret.")
    ],
) -> None:
    """Accept the tenant's webhooks from ``source`` when signed with this secret
    (``POST /v1/webhooks/<tenant>/<source>``)."""
    from pydantic import TypeAdapter, ValidationError

    from exdesk.cli.app import _handled, open_desk
    from exdesk.delivery import set_inbound_secret
    from exdesk.delivery.connectors import EnvName
    from exdesk.errors import InputError

    with open_desk() as (desk, tenant), _handled():
        try:
            TypeAdapter(EnvName).validate_python(secret_env)
        except ValidationError as error:
            raise InputError("--secret-env must name an environment variable") from error
        with desk.db.connection() as conn:
            set_inbound_secret(conn, tenant, source, secret_env)
    typer.echo(f"webhooks of tenant {tenant} from {source}: verified with ${secret_env}")
