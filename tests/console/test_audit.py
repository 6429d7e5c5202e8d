"""Compliance: the decision log searched by order, actor, step and outcome, in the console
and through the API (the same filters), exported with hashes, verified."""

from __future__ import annotations

import csv
import hashlib
import io
import json
from datetime import timedelta

from fastapi.testclient import TestClient

from exdesk.service import ExceptionDesk
from exdesk.store.api_keys import authenticate
from tests.api.support import TENANT, lost_shipment, where_is_my_order
from tests.console.support import case_of, person, sign_in


def _approve_reroute(desk: ExceptionDesk) -> str:
    case = case_of(desk, lost_shipment("e1"))
    case_of(desk, where_is_my_order("e2"))
    _, key = desk.create_api_key(TENANT, "omar", ["ops"])
    with desk.db.connection() as conn:
        principal = authenticate(conn, key)
    assert principal is not None
    desk.decide(principal, case.approvals[0].approval_id, "approve")
    return case.case_id


def test_compliance_finds_a_decision_by_order_and_exports_it_with_hashes(
    console: TestClient, loaded_desk: ExceptionDesk
) -> None:
    case_id = _approve_reroute(loaded_desk)
    person(loaded_desk, "clara", "compliance")
    landing = sign_in(console, "clara")
    assert "Decision log" in landing.text
    found = console.get("/console/audit", params={"order_id": "SO-104108", "actor": "human:*"}).text
    assert case_id[5:13] in found
    assert "1 record." in found
    assert "human:omar" in found
    assert "via api key" in found
    exported = console.get(
        "/console/audit/export", params={"order_id": "SO-104108", "format": "csv"}
    )
    assert exported.headers["x-exdesk-sha256"] == hashlib.sha256(exported.content).hexdigest()
    rows = list(csv.DictReader(io.StringIO(exported.text)))
    assert {row["case_id"] for row in rows} == {case_id}
    records = loaded_desk.case(TENANT, case_id).decisions
    assert sorted(row["hash"] for row in rows) == sorted(r.hash for r in records)
    verified = console.get("/console/audit/verify").text
    assert "Verified." in verified


def test_the_api_searches_with_the_same_filters(
    console: TestClient, loaded_desk: ExceptionDesk
) -> None:
    case_id = _approve_reroute(loaded_desk)
    _, key = loaded_desk.create_api_key(TENANT, "clara", ["compliance"])
    headers = {"Authorization": f"Bearer {key}"}
    hits = console.get(
        "/v1/audit/records", params={"step": "approval_gate", "outcome": "approve"}, headers=headers
    ).json()
    assert [(h["case_id"], h["actor"]) for h in hits] == [(case_id, "human:omar")]
    lines = console.get(
        "/v1/audit/records/export", params={"case_id": case_id}, headers=headers
    ).text.splitlines()
    assert [json.loads(line)["seq"] for line in lines] == sorted(
        (r.seq for r in loaded_desk.case(TENANT, case_id).decisions), reverse=True
    )
    _, rep = loaded_desk.create_api_key(TENANT, "rita", ["cs_rep"])
    refused = console.get("/v1/audit/records", headers={"Authorization": f"Bearer {rep}"})
    assert refused.status_code == 403


def test_a_rep_cannot_open_the_decision_log_pages(
    console: TestClient, loaded_desk: ExceptionDesk
) -> None:
    person(loaded_desk, "rita", "cs_rep")
    sign_in(console, "rita")
    assert console.get("/console/audit").status_code == 403
    assert console.get("/console/audit/export?format=csv").status_code == 403


def test_the_log_is_searched_by_time_and_a_blank_time_means_no_bound(
    console: TestClient, loaded_desk: ExceptionDesk
) -> None:
    case_id = _approve_reroute(loaded_desk)
    person(loaded_desk, "clara", "compliance")
    sign_in(console, "clara")
    decided = next(
        r.at for r in loaded_desk.case(TENANT, case_id).decisions if r.step == "approval_gate"
    )
    blank = console.get("/console/audit", params={"step": "approval_gate", "since": ""})
    assert blank.status_code == 200
    assert case_id[5:13] in blank.text
    later = (decided.replace(tzinfo=None) + timedelta(minutes=1)).strftime("%Y-%m-%dT%H:%M")
    after = console.get("/console/audit", params={"step": "approval_gate", "since": later})
    assert "No record matches." in after.text
    bad = console.get("/console/audit", params={"since": "yesterday"})
    assert bad.status_code == 400
    assert "since is not a time" in bad.text


def test_a_case_is_found_by_the_customer_the_network_named_for_it(
    console: TestClient, loaded_desk: ExceptionDesk
) -> None:
    """A carrier's event names a shipment, not a customer: the case's customer is the one
    enrichment found, and searches by customer find it."""
    case_id = _approve_reroute(loaded_desk)
    person(loaded_desk, "ada", "admin")
    sign_in(console, "ada")
    queue = console.get("/console/queue", params={"all": "1", "customer": "C-102381"}).text
    assert case_id[5:13] in queue
    log = console.get("/console/audit", params={"customer_id": "C-102381", "step": "intake"})
    assert case_id[5:13] in log.text
