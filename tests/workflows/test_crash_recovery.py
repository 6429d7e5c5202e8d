"""SIGKILL mid-batch, run again: every case finishes, nothing is duplicated.

Each phase runs twice in the same database: once for tenant ``ref`` without interruption,
once for tenant ``crash`` in a subprocess killed part-way and then run again. Per source
event, both tenants must end with the same steps, statuses and outbox messages.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psycopg
import pytest

from exdesk.domain import ExceptionEvent, NetworkSnapshot
from exdesk.service import ExceptionDesk
from exdesk.settings import Settings
from tests.support.scenarios import open_orders, short_pick, where_is_my_order

pytestmark = pytest.mark.slow

APPROVE_ALL = """
import sys
from exdesk.service import ExceptionDesk
from exdesk.settings import load_settings
from exdesk.store.api_keys import Principal
from exdesk.store.cases import CaseFilter

tenant = sys.argv[1]
with ExceptionDesk.open(load_settings()) as desk:
    desk.resume_all(tenant)
    while True:
        cases = desk.cases(tenant, CaseFilter(status="awaiting_approval"), limit=200).cases
        cases += desk.cases(tenant, CaseFilter(status="escalated"), limit=200).cases
        if not cases:
            break
        for case in cases:
            for approval in case.approvals:
                if approval.status == "pending":
                    who = Principal(tenant, "approver-" + approval.required_role,
                                    frozenset([approval.required_role]), "script")
                    desk.decide(who, approval.approval_id, "approve")
"""


def events(network: NetworkSnapshot) -> list[ExceptionEvent]:
    orders = open_orders(network)[:24]
    emails = {c.customer_id: c.contact.email for c in network.customers}
    picks = [short_pick(o, f"wms-{i}") for i, o in enumerate(orders)]
    mails = [where_is_my_order(o, emails[o.customer_id], f"mail-{i}") for i, o in enumerate(orders)]
    return picks + mails


def environment(settings: Settings, tenant: str) -> dict[str, str]:
    return {
        **os.environ,
        "EXDESK_DATABASE_URL": str(settings.database_url),
        "EXDESK_DATA_DIR": str(settings.data_dir),
        "EXDESK_TENANT": tenant,
        "EXDESK_TELEMETRY_EXPORTER": "none",
        "EXDESK_WORKERS": "4",
        "EXDESK_RUN_CASES": "inline",
    }


def count(url: str, sql: str, tenant: str) -> int:
    with psycopg.connect(url) as conn:
        row = conn.execute(sql, (tenant,)).fetchone()
    return int(row[0]) if row else 0


def kill_when(command: list[str], env: dict[str, str], url: str, sql: str, threshold: int) -> int:
    """Start ``command``; SIGKILL it once ``sql`` counts ``threshold`` rows. Returns the count
    at the moment of the kill."""
    process = subprocess.Popen(
        command, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.monotonic() + 120
    try:
        while time.monotonic() < deadline:
            seen = count(url, sql, env["EXDESK_TENANT"])
            if seen >= threshold:
                process.send_signal(signal.SIGKILL)
                process.wait(10)
                assert process.returncode == -signal.SIGKILL, "the run ended before the kill"
                return seen
            assert process.poll() is None, "the run ended before the kill"
            time.sleep(0.02)
        raise AssertionError("the run never reached the kill threshold")
    finally:
        if process.poll() is None:
            process.kill()


def outcome(desk: ExceptionDesk, tenant: str) -> dict[str, tuple[str, list[str], list[str]]]:
    """Per source event: the case's status, its steps, and its outbox kinds."""
    with desk.db.connection() as conn:
        case_ids = [
            r["case_id"]
            for r in conn.execute("SELECT case_id FROM cases WHERE tenant_id=%s", (tenant,))
        ]
    result: dict[str, tuple[str, list[str], list[str]]] = {}
    for case_id in case_ids:
        case = desk.case(tenant, case_id)
        result[case.event.source_event_id] = (
            case.status,
            [d.step for d in case.decisions],
            sorted(str(a.kind) for a in case.actions),
        )
    return result


def test_a_killed_batch_finishes_on_rerun_without_duplicates(
    loaded_desk: ExceptionDesk,
    example_network: NetworkSnapshot,
    settings: Settings,
    tmp_path: Path,
) -> None:
    desk = loaded_desk
    batch = events(example_network)
    path = tmp_path / "events.jsonl"
    path.write_text("\n".join(e.model_dump_json() for e in batch) + "\n")
    for tenant in ("ref", "crash"):
        desk.load_network(tenant, example_network)
    url = str(settings.database_url)
    records = "SELECT count(*) FROM decision_records WHERE tenant_id=%s"
    outbox = "SELECT count(*) FROM outbox WHERE tenant_id=%s"
    ingest = [sys.executable, "-m", "exdesk.cli", "ingest", str(path), "--format", "jsonl"]
    approve = [sys.executable, "-c", APPROVE_ALL]

    # phase 1: ingest, killed part-way twice (each kill lands somewhere else: in a node,
    # a checkpoint, a write), then run again to the end
    desk.ingest("ref", batch)
    expected_records = count(url, records, "ref")
    for share in (4, 2):
        killed_at = kill_when(
            ingest, environment(settings, "crash"), url, records, expected_records // share
        )
        assert killed_at < expected_records
    rerun = subprocess.run(
        ingest, env=environment(settings, "crash"), capture_output=True, timeout=180
    )
    assert rerun.returncode == 0, rerun.stderr.decode()[-2000:]
    assert len(rerun.stdout.decode().splitlines()) == len(batch)
    assert outcome(desk, "crash") == outcome(desk, "ref")

    # phase 2: approve everything, killed part-way, then run again
    subprocess.run([*approve, "ref"], env=environment(settings, "ref"), check=True, timeout=300)
    expected_outbox = count(url, outbox, "ref")
    assert expected_outbox >= len(batch)
    kill_when(
        [*approve, "crash"], environment(settings, "crash"), url, outbox, expected_outbox // 3
    )
    subprocess.run([*approve, "crash"], env=environment(settings, "crash"), check=True, timeout=300)

    final = outcome(desk, "crash")
    assert final == outcome(desk, "ref")
    assert {status for status, _, _ in final.values()} == {"resolved"}
    assert count(url, outbox, "crash") == expected_outbox
    for tenant in ("ref", "crash"):
        report = desk.verify(tenant)
        assert report.ok, report.problems
