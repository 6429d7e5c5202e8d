"""Server time to render a console queue of 1,000 cases (target: under 300 ms).

Cases, their events and pending approvals are written straight into a fresh database (the
queue reads only those rows; running 1,000 cases through the workflow would measure the
workflow), spread over severities, categories, roles and ages. Then, signed in as a
person, it times the whole request (``GET /console/queue`` through the ASGI app: session
lookup, both queries, the template), and apart: the queue's queries and the rendering.

    python -m bench.console_queue [--cases 1000] [--runs 30]

Uses ``DATABASE_URL`` when set (a fresh database is created on that server), else an
embedded server in a temporary directory.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import time
import uuid
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from pathlib import Path

from fastapi.testclient import TestClient
from psycopg.types.json import Jsonb

from bench.scratch import scratch
from bench.workflow_throughput import fresh_database
from exdesk.console.app import create_app
from exdesk.console.web import templates
from exdesk.service import ExceptionDesk
from exdesk.service.people import create_user
from exdesk.service.review import work_queue
from exdesk.settings import Settings
from exdesk.store.queue import QueueFilter

TENANT = "bench"
PASSWORD = "bench-password-only"
SEVERITIES = ("low", "medium", "high", "critical")
KINDS = (
    ("customer_message", "cs_rep"),
    ("remediation", "ops"),
    ("classification", "ops"),
    ("document", "ops"),
    ("credit", "finance"),
)
CATEGORIES = ("carrier_delay", "inventory_shortage", "customer_inquiry", "credit_hold", "other")


def seed(desk: ExceptionDesk, cases: int, rng: random.Random) -> None:
    """``cases`` cases waiting for a person (and as many resolved ones beside them)."""
    now = datetime.now(UTC)
    with desk.db.transaction() as conn:
        for number in range(cases * 2):
            case_id = f"case_{uuid.uuid4().hex[:24]}"
            waiting = number < cases
            created = now - timedelta(minutes=rng.randint(1, 60 * 72))
            status = rng.choice(("awaiting_approval", "escalated")) if waiting else "resolved"
            conn.execute(
                "INSERT INTO cases (case_id, tenant_id, status, category, severity, confidence,"
                " created_at) VALUES (%s, %s, %s, %s, %s, %s, %s)",
                (
                    case_id,
                    TENANT,
                    status,
                    rng.choice(CATEGORIES),
                    rng.choice(SEVERITIES),
                    rng.random(),
                    created,
                ),
            )
            event = {
                "source": "wms",
                "source_event_id": f"ev-{number}",
                "occurred_at": created.isoformat(),
                "summary": f"Short pick on SO-{100000 + number} line 2: requested 10, picked 4 "
                "at DC-PHL, customer asks when the rest ships",
                "order_id": f"SO-{100000 + number}",
                "customer_id": f"C-{rng.randint(1000, 1200)}",
            }
            conn.execute(
                "INSERT INTO exception_events (tenant_id, source, source_event_id, event,"
                " case_id) VALUES (%s, 'wms', %s, %s, %s)",
                (TENANT, event["source_event_id"], Jsonb(event), case_id),
            )
            if waiting:
                kind, role = rng.choice(KINDS)
                conn.execute(
                    "INSERT INTO approvals (approval_id, tenant_id, case_id, step_key, kind,"
                    " required_role, proposal, reason, allowed_decisions, requested_at)"
                    " VALUES (%s, %s, %s, 'gate', %s, %s, '{}', 'bench', %s, %s)",
                    (
                        f"apr_{uuid.uuid4().hex[:20]}",
                        TENANT,
                        case_id,
                        kind,
                        role,
                        ["approve", "reject", "edit"],
                        created + timedelta(minutes=1),
                    ),
                )


def timed(action: Callable[[], object], runs: int) -> list[float]:
    """Milliseconds per run, after two warm-up runs."""
    for _ in range(2):
        action()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        action()
        times.append((time.perf_counter() - started) * 1000)
    return times


def line(label: str, times: list[float]) -> str:
    """Median and 95th percentile of a timing."""
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{label:<46} p50 {statistics.median(times):7.1f} ms   p95 {p95:7.1f} ms"


def main() -> None:
    """Measure and print."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cases", type=int, default=1000, help="cases waiting in the queue")
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument(
        "--data-dir", type=Path, default=Path(os.environ.get("EXDESK_DATA_DIR", ".exdesk"))
    )
    args = parser.parse_args()
    print(f"{os.cpu_count()} cores; load {os.getloadavg()[0]:.1f} (other work inflates timings)")
    with scratch() as (_, server):
        url = fresh_database(server)
        settings = Settings(data_dir=args.data_dir, database_url=url, telemetry_exporter="none")
        with ExceptionDesk.open(settings) as desk:
            seed(desk, args.cases, random.Random(7))
            create_user(desk.db, TENANT, "ada", ["admin", "ops"], PASSWORD)
            with TestClient(create_app(settings, desk)) as client:
                form = client.get("/console/sign-in").text
                token = form.split('name="signin_token" value="')[1].split('"')[0]
                client.post(
                    "/console/sign-in",
                    data={
                        "user": "ada",
                        "password": PASSWORD,
                        "tenant": TENANT,
                        "signin_token": token,
                    },
                )
                everything = client.get("/console/queue?all=1")
                shown = everything.text.count("<tr>") - 1
                print(
                    f"{args.cases} cases waiting (+{args.cases} resolved); the page lists {shown}"
                )
                print(
                    f"{len(everything.content) / 1024:.0f} KiB of HTML; median of {args.runs} runs"
                )
                print(
                    line(
                        "GET /console/queue?all=1 (whole request)",
                        timed(lambda: client.get("/console/queue?all=1"), args.runs),
                    )
                )
                print(
                    line(
                        "GET /console/queue (ops: what waits for me)",
                        timed(lambda: client.get("/console/queue"), args.runs),
                    )
                )
                print(
                    line(
                        "GET /console/queue?all=1&q=so-100500 (search)",
                        timed(lambda: client.get("/console/queue?all=1&q=so-100500"), args.runs),
                    )
                )
            wanted = QueueFilter()
            queue = work_queue(desk, TENANT, wanted, 1000)
            print(
                line(
                    "  of which: the two queue queries",
                    timed(lambda: work_queue(desk, TENANT, wanted, 1000), args.runs),
                )
            )
            template = templates.get_template("queue.html")
            now = datetime.now(UTC)
            print(
                line(
                    "  of which: rendering 1,000 rows",
                    timed(
                        lambda: template.render(
                            session=None,
                            queue=queue,
                            wanted=wanted,
                            everything=True,
                            mine=[],
                            now=now,
                            age=lambda since, at: "1 h",
                            statuses=(),
                            categories=(),
                            deciding_roles=(),
                            limit=1000,
                        ),
                        args.runs,
                    ),
                )
            )


if __name__ == "__main__":
    main()
