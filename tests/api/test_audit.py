"""GET /v1/audit/verify: compliance checks the tenant's decision log."""

from __future__ import annotations

import psycopg
from fastapi.testclient import TestClient

from exdesk.service import ExceptionDesk
from exdesk.store.checkpoint import LedgerCheckpoint
from tests.api.support import (
    Headers,
    Keys,
    carrier_delay,
    decide,
    ingest,
    post_events,
    short_pick,
    the_pending_approval,
)
from tests.support.postgres import owner_url


def test_a_tenant_without_cases_verifies(client: TestClient, keys: Keys) -> None:
    response = client.get("/v1/audit/verify", headers=keys.headers("cora", "compliance"))

    assert response.status_code == 200
    assert response.json() == {
        "ok": True,
        "cases": 0,
        "records": 0,
        "ledger_entries": 0,
        "problems": [],
        "unchecked": [],
        "in_progress": [],
    }


def test_the_log_verifies_after_cases_are_opened_and_decided(
    client: TestClient, integration: Headers, keys: Keys
) -> None:
    post_events(client, integration, [short_pick("WMS-6001"), short_pick("WMS-6002")])
    case = ingest(client, integration, carrier_delay("CAR-6003"))
    decide(client, keys.headers("olga", "ops"), case, the_pending_approval(case), "reject")
    ops = keys.headers("olga", "ops")
    listed = client.get("/v1/cases", headers=ops).json()["cases"]
    cases = [client.get(f"/v1/cases/{c['case_id']}", headers=ops).json() for c in listed]

    report = client.get("/v1/audit/verify", headers=keys.headers("cora", "compliance")).json()

    assert report["ok"] is True, report["problems"]
    assert report["problems"] == []
    assert report["cases"] == 3
    assert report["records"] == sum(len(c["decisions"]) for c in cases)
    assert report["ledger_entries"] >= 3 + 1, "anchored at creation, and the rejection"


def test_a_record_changed_behind_the_desks_back_is_reported(
    client: TestClient, integration: Headers, keys: Keys, loaded_desk: ExceptionDesk
) -> None:
    case = ingest(client, integration, short_pick("WMS-6101"))
    classify = next(d for d in case["decisions"] if d["step"] == "classify")
    # an intruder with the owner's privileges (the application's role has none of them)
    with psycopg.connect(owner_url(loaded_desk.db.url)) as conn, conn.transaction():
        conn.execute("ALTER TABLE decision_records DISABLE TRIGGER decision_records_append_only")
        conn.execute(
            'UPDATE decision_records SET output = output || \'{"category": "other"}\''
            " WHERE case_id = %s AND seq = %s",
            (case["case_id"], classify["seq"]),
        )
        conn.execute("ALTER TABLE decision_records ENABLE TRIGGER decision_records_append_only")

    report = client.get("/v1/audit/verify", headers=keys.headers("cora", "compliance")).json()

    assert report["ok"] is False
    assert report["problems"][0].startswith(f"case {case['case_id']} record {classify['seq']}")


def test_compliance_takes_a_signed_checkpoint_the_desk_then_verifies(
    client: TestClient, integration: Headers, keys: Keys, loaded_desk: ExceptionDesk
) -> None:
    ingest(client, integration, short_pick("WMS-6201"))

    response = client.get("/v1/audit/checkpoint", headers=keys.headers("cora", "compliance"))
    refused = client.get("/v1/audit/checkpoint", headers=keys.headers("olga", "ops"))

    assert response.status_code == 200
    assert refused.status_code == 403
    checkpoint = LedgerCheckpoint.model_validate(response.json())
    assert (checkpoint.tenant_id, checkpoint.ledger_seq) == ("acme", 2)
    assert loaded_desk.verify("acme", checkpoint).ok
