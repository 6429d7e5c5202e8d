"""``exdesk``: the command line of a local operator acting on one tenant."""

from __future__ import annotations

import json
import signal
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, NoReturn, cast

import typer

from exdesk.cli.evals import eval_app
from exdesk.cli.files import read_model, read_numbered_events
from exdesk.cli.operations import connectors_app, outbox_app, webhooks_app, worker
from exdesk.cli.output import Progress, case_table, print_report
from exdesk.cli.users import users_app
from exdesk.domain import (
    ROLES,
    ApprovalDecision,
    CaseStatus,
    Category,
    CreditAction,
    ExceptionEvent,
    NetworkSnapshot,
    Role,
    Route,
)
from exdesk.errors import (
    ConfigurationError,
    ConflictError,
    ExdeskError,
    InputError,
    NotFoundError,
    PermissionDeniedError,
)
from exdesk.examples import example_events, example_network
from exdesk.settings import Settings, load_settings

# The store, the telemetry and the service are imported by the commands that use them: `exdesk
# --help` and argument errors must answer at once, without psycopg, OpenTelemetry or LangGraph.

if TYPE_CHECKING:
    from exdesk.service import ExceptionDesk

app = typer.Typer(
    name="exdesk",
    help="Exception Desk: operational exceptions, handled by governed agents.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode=None,
)
network_app = typer.Typer(
    help="Network reference data.", no_args_is_help=True, rich_markup_mode=None
)
cases_app = typer.Typer(help="Read cases.", no_args_is_help=True, rich_markup_mode=None)
audit_app = typer.Typer(help="The decision log.", no_args_is_help=True, rich_markup_mode=None)
keys_app = typer.Typer(help="API keys.", no_args_is_help=True, rich_markup_mode=None)
app.add_typer(network_app, name="network")
app.add_typer(cases_app, name="cases")
app.add_typer(audit_app, name="audit")
app.add_typer(keys_app, name="keys")
app.add_typer(eval_app, name="eval")
app.add_typer(outbox_app, name="outbox")
app.add_typer(connectors_app, name="connectors")
app.add_typer(webhooks_app, name="webhooks")
app.add_typer(users_app, name="users")
app.command()(worker)


class OutputFormat(StrEnum):
    """How ``ingest`` and ``cases list`` print."""

    table = "table"
    jsonl = "jsonl"


_EXIT_CODES: dict[type[ExdeskError], int] = {
    ConfigurationError: 2,
    InputError: 2,
    NotFoundError: 3,
    PermissionDeniedError: 4,
    ConflictError: 5,
}


class _State:
    tenant: str | None = None


_state = _State()


def fail(message: str, code: int = 1) -> NoReturn:
    """Print one readable line to stderr and exit non-zero."""
    typer.echo(f"exdesk: error: {message}", err=True)
    raise typer.Exit(code)


@contextmanager
def _handled() -> Iterator[None]:
    try:
        yield
    except ExdeskError as error:
        code = next((c for t, c in _EXIT_CODES.items() if isinstance(error, t)), 1)
        fail(error.message, code)


def _settings() -> Settings:
    with _handled():
        return load_settings()


def _tenant(settings: Settings) -> str:
    return _state.tenant or settings.tenant


@contextmanager
def open_desk() -> Iterator[tuple[ExceptionDesk, str]]:
    """The desk and the tenant this invocation acts for; errors become one line."""
    from exdesk.telemetry import configure_logging

    settings = _settings()
    configure_logging(settings.log_level)
    with _handled():
        # Deferred: the service brings the workflow engine and the agents, seconds of imports
        # that `--help` and the commands without a desk never need.
        from exdesk.service import ExceptionDesk

        # A local operator's command runs the cases it moves here, workers or not.
        desk = ExceptionDesk.open(settings.model_copy(update={"run_cases": "inline"}))
        try:
            yield desk, _tenant(settings)
        finally:
            desk.close()


@app.callback()
def main_options(
    tenant: Annotated[
        str | None, typer.Option(help="Tenant to act for (default: EXDESK_TENANT or 'default').")
    ] = None,
) -> None:
    """Global options."""
    _state.tenant = tenant


@app.command()
def serve(
    host: Annotated[str | None, typer.Option(help="Interface to listen on.")] = None,
    port: Annotated[int | None, typer.Option(help="Port to listen on.")] = None,
) -> None:
    """Serve the HTTP API and the review console."""
    import uvicorn

    from exdesk.console.app import create_app

    settings = _settings()
    bind_host, bind_port = host or settings.host, port or settings.port
    typer.echo(f"Exception Desk API on http://{bind_host}:{bind_port} (docs at /docs)", err=True)
    typer.echo(f"Review console on http://{bind_host}:{bind_port}/console", err=True)
    uvicorn.run(create_app(settings), host=bind_host, port=bind_port, log_level="warning")


@network_app.command("load")
def network_load(
    file: Annotated[Path, typer.Argument(help="A network snapshot (JSON).")],
    replace: Annotated[
        bool,
        typer.Option("--replace", help="Delete stored objects the snapshot lacks (else: refused)."),
    ] = False,
) -> None:
    """Load the tenant's network reference data from a snapshot (all or nothing). A snapshot
    that would delete stored objects is refused, naming them, unless ``--replace``."""
    with _handled():
        snapshot = read_model(file, NetworkSnapshot)
    with open_desk() as (desk, tenant):
        try:
            counts = desk.load_network(tenant, snapshot, replace=replace)
        except InputError as error:
            raise InputError(f"{file}: {error.message}", location=error.location) from error
    typer.echo(
        f"loaded network for tenant {tenant}: " + ", ".join(f"{n} {k}" for k, n in counts.items())
    )


def _ingest(
    desk: ExceptionDesk,
    tenant: str,
    events: list[ExceptionEvent],
    output: OutputFormat,
    user: str | None = None,
) -> None:
    progress = Progress(len(events)) if len(events) > 20 else None
    refs = desk.ingest(
        tenant, events, initiated_by=user, progress=progress.update if progress else None
    )
    if progress:
        progress.finish()
    cases = [desk.case(tenant, case_id) for case_id in dict.fromkeys(r.case_id for r in refs)]
    if output is OutputFormat.jsonl:
        for case in cases:
            typer.echo(case.model_dump_json())
    else:
        typer.echo(case_table(cases))


@app.command()
def ingest(
    file: Annotated[Path, typer.Argument(help="Exception events, one JSON object per line.")],
    output: Annotated[OutputFormat, typer.Option("--format", help="Output format.")] = (
        OutputFormat.table
    ),
    user: Annotated[str | None, typer.Option(help="Who is entering these events.")] = None,
) -> None:
    """Create cases from events and run each to its first stop (idempotent)."""
    settings = _settings()
    with _handled():
        events = [event for _, event in read_numbered_events(file, _tenant(settings))]
    with open_desk() as (desk, tenant), _handled():
        _ingest(desk, tenant, events, output, user)


DEMO_PASSWORD = "exdesk-demo-only"
"""The demo users' password: printed by ``exdesk demo``, for a local demo only."""

DEMO_PEOPLE: dict[str, list[Role]] = {
    "demo-rep": ["cs_rep"],
    "demo-rep2": ["cs_rep"],
    "demo-ops": ["ops"],
    "demo-ops2": ["ops"],
    "demo-finance": ["finance"],
    "demo-compliance": ["compliance"],
    "demo-admin": ["admin"],
}
"""Two reps and two ops, so an edit can be approved by someone else (four eyes)."""


def demo_people(desk: ExceptionDesk, tenant: str) -> dict[str, list[Role]]:
    """The demo's console users (kept when they exist from an earlier demo)."""
    from exdesk.service.people import create_user

    for user, roles in DEMO_PEOPLE.items():
        with suppress(ConflictError):
            create_user(desk.db, tenant, user, roles, DEMO_PASSWORD)
    return DEMO_PEOPLE


@app.command()
def demo(
    serve_api: Annotated[
        bool, typer.Option("--serve/--no-serve", help="Serve the API after.")
    ] = True,
) -> None:
    """Load the example network, ingest the example exceptions, summarise, then serve."""
    with _handled():
        snapshot = example_network()
        events = example_events()
    settings = _settings()
    with open_desk() as (desk, tenant), _handled():
        counts = desk.load_network(tenant, snapshot, replace=True)
        typer.echo("network: " + ", ".join(f"{n} {k}" for k, n in counts.items()))
        _ingest(desk, tenant, events, OutputFormat.table)
        from exdesk.store.cases import CaseFilter

        page = desk.cases(tenant, CaseFilter(), limit=1)
        typer.echo(f"\n{page.total} cases for tenant {tenant!r}.")
        keys = {role: desk.create_api_key(tenant, f"demo-{role}", [role])[1] for role in ROLES}
        people = demo_people(desk, tenant)
    typer.echo("\nDemo API keys (header 'Authorization: Bearer <key>'):")
    for role, key in keys.items():
        typer.echo(f"  {role:<12} {key}")
    typer.echo(
        f"\nReview console: http://{settings.host}:{settings.port}/console"
        f"  (tenant {tenant}; demo users, password {DEMO_PASSWORD!r} — demo only)"
    )
    for user, roles in people.items():
        typer.echo(f"  {user:<16} {', '.join(roles)}")
    if serve_api:
        # The API stores and answers; a worker beside it runs what decisions set moving,
        # delivers the outbox and keeps the timers — as `exdesk worker` does in production.
        worker = subprocess.Popen([sys.executable, "-m", "exdesk.cli", "worker"])
        typer.echo(f"\nA worker runs the cases' next steps (pid {worker.pid}).")
        try:
            serve(settings.host, settings.port)
        finally:
            worker.terminate()
            worker.wait(timeout=30)


@cases_app.command("list")
def cases_list(
    status: Annotated[CaseStatus | None, typer.Option(help="Only this status.")] = None,
    category: Annotated[Category | None, typer.Option(help="Only this category.")] = None,
    route: Annotated[Route | None, typer.Option(help="Only this route.")] = None,
    limit: Annotated[int, typer.Option(min=1, max=500, help="At most this many.")] = 50,
    output: Annotated[OutputFormat, typer.Option("--format")] = OutputFormat.table,
) -> None:
    """List the tenant's cases, newest first."""
    with open_desk() as (desk, tenant), _handled():
        from exdesk.store.cases import CaseFilter

        page = desk.cases(tenant, CaseFilter(status, category, route), limit=limit)
    if output is OutputFormat.jsonl:
        for case in page.cases:
            typer.echo(case.model_dump_json())
    else:
        typer.echo(case_table(page.cases))
        typer.echo(f"{len(page.cases)} of {page.total} cases")


@cases_app.command("resume")
def cases_resume() -> None:
    """Finish what a crash cut short: advance every unfinished case that can move."""
    with open_desk() as (desk, tenant), _handled():
        moved = desk.resume_all(tenant)
    typer.echo(f"{moved} cases advanced")


@cases_app.command("escalate-overdue")
def cases_escalate_overdue() -> None:
    """Escalate cases whose approval has waited longer than the policy's SLA."""
    with open_desk() as (desk, tenant), _handled():
        escalated = desk.escalate_overdue(tenant)
    for case_id in escalated:
        typer.echo(case_id)
    typer.echo(f"{len(escalated)} cases escalated", err=True)


@cases_app.command("similar")
def cases_similar(
    case_id: Annotated[str, typer.Argument(help="The case id.")],
    k: Annotated[int, typer.Option("--k", min=1, max=50, help="How many precedents.")] = 5,
) -> None:
    """The closed cases most like this one: how they ended and who approved."""
    with open_desk() as (desk, tenant), _handled():
        from exdesk.cli.precedents import similar_cases_command

        typer.echo(similar_cases_command(desk, tenant, case_id, k))


@cases_app.command("reindex")
def cases_reindex() -> None:
    """Index every closed case of the tenant for precedent search (idempotent)."""
    with open_desk() as (desk, tenant), _handled():
        count = desk.precedents.backfill(tenant)
    typer.echo(f"{count} closed cases indexed")


@cases_app.command("show")
def cases_show(case_id: Annotated[str, typer.Argument(help="The case id.")]) -> None:
    """Print one case as the API returns it."""
    with open_desk() as (desk, tenant), _handled():
        typer.echo(desk.case(tenant, case_id).model_dump_json(indent=2))


def _decide(
    case_id: str,
    decision: ApprovalDecision,
    user: str,
    roles: list[str],
    comment: str | None,
    edited: dict[str, Any] | None,
    action: str | None = None,
) -> None:
    with open_desk() as (desk, tenant), _handled():
        approval = desk.pending_approval(tenant, case_id)
        from exdesk.store.api_keys import Principal

        principal = Principal(
            tenant, user, frozenset(cast(list[Role], roles)), key_id="cli", via="cli"
        )
        case = desk.decide(
            principal,
            approval.approval_id,
            decision,
            comment=comment,
            edited_proposal=edited,
            action=action,
        )
    waiting = next((a for a in case.approvals if a.status == "pending"), None)
    after = f", waiting for {waiting.required_role} ({waiting.kind})" if waiting else ""
    if waiting is not None and waiting.kind == "customer_message":
        after += f" to {getattr(waiting.proposal, 'to', None) or 'nobody (no contact on file)'}"
    chosen = f" {action}" if action else ""
    done = f" [{case.resolution}]" if case.resolution else ""
    typer.echo(f"{case.case_id}: {decision}{chosen} {approval.kind} -> {case.status}{done}{after}")


UserOption = Annotated[str, typer.Option("--user", help="Who decides.")]


def _roles(values: list[str]) -> list[str]:
    unknown = [v for v in values if v not in ROLES]
    if unknown:
        raise typer.BadParameter(f"unknown role {unknown[0]!r}; roles: {', '.join(ROLES)}")
    return values


RoleOption = Annotated[
    list[str], typer.Option("--role", help="The role(s) the user acts in.", callback=_roles)
]
CommentOption = Annotated[str | None, typer.Option(help="A note kept with the decision.")]


@app.command()
def approve(
    case_id: Annotated[str, typer.Argument(help="The case waiting for approval.")],
    user: UserOption,
    role: RoleOption,
    edit: Annotated[
        Path | None, typer.Option(help="Submit this edited proposal (JSON) instead of approving.")
    ] = None,
    comment: CommentOption = None,
    action: Annotated[
        CreditAction | None,
        typer.Option(
            help="Credit approvals: approve this action instead of the proposed one "
            "(release_hold, keep_hold, cancel_order)."
        ),
    ] = None,
) -> None:
    """Approve the case's pending proposal (or submit an edit for someone else to approve).
    A customer message goes to the recipient the proposal shows (the contact on file)."""
    edited: dict[str, Any] | None = None
    if edit is not None:
        try:
            loaded = json.loads(edit.read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            fail(f"cannot read the edited proposal {edit}: {error}", 2)
        if not isinstance(loaded, dict):
            fail(f"the edited proposal {edit} must be a JSON object", 2)
        edited = loaded
    _decide(case_id, "approve" if edit is None else "edit", user, role, comment, edited, action)


@app.command()
def reject(
    case_id: Annotated[str, typer.Argument(help="The case waiting for approval.")],
    user: UserOption,
    role: RoleOption,
    comment: CommentOption = None,
) -> None:
    """Reject the case's pending proposal. Rejecting a customer message sends no message and
    leaves a remediation already approved in force; rejecting a remediation closes the case."""
    _decide(case_id, "reject", user, role, comment, None)


@audit_app.command("verify")
def audit_verify(
    checkpoint: Annotated[
        Path | None,
        typer.Option(help="A checkpoint (from `audit checkpoint`): the ledger must still hold it."),
    ] = None,
    export: Annotated[
        Path | None,
        typer.Option(help="Verify this folder (from `audit export`) instead, without a database."),
    ] = None,
    public_key: Annotated[
        str | None,
        typer.Option(help="With --export: the desk's public key (base64) to check signatures."),
    ] = None,
) -> None:
    """Verify every case's hash chain, the tenant ledger and the rows the chains cover;
    name the first bad record."""
    from exdesk.store.checkpoint import LedgerCheckpoint, check_checkpoint
    from exdesk.store.export import verify_export
    from exdesk.store.signing import key_fingerprint

    with _handled():
        signed = read_model(checkpoint, LedgerCheckpoint) if checkpoint is not None else None
    if export is not None:
        trusted = public_key or (signed.public_key if signed is not None else None)
        with _handled():
            report, ledger, used = verify_export(export, trusted)
            if signed is not None:
                found = check_checkpoint(signed, report.tenant_id, ledger, used)
                report.problems.extend(found)
        if used is not None:
            typer.echo(f"signatures checked with key {key_fingerprint(used)}")
    else:
        with open_desk() as (desk, tenant), _handled():
            report = desk.verify(tenant, signed)
    print_report(report)
    for line in report.unchecked:
        typer.echo(f"not checked: {line}")
    if report.in_progress:
        typer.echo(
            f"in progress: {len(report.in_progress)} cases were being advanced; their newest"
            " steps are checked at the next verify"
        )
    if signed is not None and report.ok:
        typer.echo(
            f"checkpoint: the ledger still holds entry {signed.ledger_seq} signed at"
            f" {signed.at.isoformat()} by key {signed.key_fingerprint}"
        )
    if not report.ok:
        raise typer.Exit(1)


@audit_app.command("checkpoint")
def audit_checkpoint(
    out: Annotated[Path, typer.Option(help="Where to write the signed checkpoint (JSON).")],
) -> None:
    """Sign the tenant ledger's head; keep the file outside the database."""
    with open_desk() as (desk, tenant), _handled():
        signed = desk.checkpoint(tenant)
    out.write_text(signed.model_dump_json(indent=2) + "\n", encoding="utf-8")
    typer.echo(
        f"checkpoint of tenant {signed.tenant_id}: ledger entry {signed.ledger_seq}"
        f" ({signed.head_hash[:12]}…), signed by key {signed.key_fingerprint}: {out}"
    )


@audit_app.command("export")
def audit_export(
    out: Annotated[Path, typer.Option(help="The folder to write the JSON Lines files into.")],
) -> None:
    """Write the tenant's records, ledger, cases, approvals and outbox as JSON Lines."""
    with open_desk() as (desk, tenant), _handled():
        summary = desk.export_audit(tenant, out)
    report = summary.report
    typer.echo(
        f"exported tenant {tenant}: {report.cases} cases, {report.records} decision records,"
        f" {report.ledger_entries} ledger entries to {out}"
        + ("" if report.ok else f" (it does not verify: {len(report.problems)} problems)")
    )


ExpiresOption = Annotated[
    float | None,
    typer.Option("--expires-in", min=0.001, help="Days until the key stops working (else never)."),
]


@keys_app.command("create")
def keys_create(
    role: RoleOption,
    user: Annotated[str, typer.Option(help="Whose key it is (recorded on decisions).")] = "api",
    key_tenant: Annotated[str | None, typer.Option("--tenant", help="The key's tenant.")] = None,
    expires_in: ExpiresOption = None,
) -> None:
    """Create an API key; the key is printed once and only its hash is stored."""
    with open_desk() as (desk, tenant), _handled():
        key_id, key = desk.create_api_key(
            key_tenant or tenant, user, cast(list[Role], role), expires_in
        )
    typer.echo(key)
    typer.echo(
        f"key {key_id} for {user} ({', '.join(role)}) on tenant {key_tenant or tenant}", err=True
    )


def _when(at: datetime | None) -> str:
    return at.strftime("%Y-%m-%d %H:%M") if at is not None else "-"


@keys_app.command("list")
def keys_list() -> None:
    """The tenant's keys: id, user, roles, state, created, expires, last used (no secrets)."""
    with open_desk() as (desk, tenant), _handled():
        keys = desk.api_keys(tenant)
    now = datetime.now(UTC)
    typer.echo(
        f"{'key':<14}{'user':<20}{'roles':<24}{'state':<9}created           "
        "expires           last used"
    )
    for key in keys:
        typer.echo(
            f"{key.key_id:<14}{key.user[:19]:<20}{','.join(key.roles)[:23]:<24}"
            f"{key.state(now):<9}{_when(key.created_at):<18}{_when(key.expires_at):<18}"
            f"{_when(key.last_used_at)}"
        )


@keys_app.command("revoke")
def keys_revoke(key_id: Annotated[str, typer.Argument(help="The key's id (`keys list`).")]) -> None:
    """Revoke a key now: its next request is refused."""
    with open_desk() as (desk, tenant), _handled():
        desk.revoke_api_key(tenant, key_id)
    typer.echo(f"key {key_id} revoked", err=True)


@keys_app.command("rotate")
def keys_rotate(
    key_id: Annotated[str, typer.Argument(help="The key's id (`keys list`).")],
    expires_in: ExpiresOption = None,
) -> None:
    """A new key for the same user and roles (printed once); the old one is revoked."""
    with open_desk() as (desk, tenant), _handled():
        new_id, key = desk.rotate_api_key(tenant, key_id, expires_in)
    typer.echo(key)
    typer.echo(f"key {key_id} revoked; its replacement is {new_id}", err=True)


def _exit_on_sigterm(signum: int, frame: object) -> None:
    """SIGTERM ends the program like Ctrl-C does: cleanly, so the embedded PostgreSQL is
    stopped on the way out (uvicorn re-raises the signal after its own graceful shutdown)."""
    raise SystemExit(128 + signum)


def main() -> None:
    """Entry point of the ``exdesk`` script."""
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    app()
