"""The statements a listing or a decision costs do not grow with the page or the case."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from exdesk.api.app import create_app
from exdesk.domain import ExceptionEvent
from exdesk.service import ExceptionDesk
from tests.api.support import (
    TENANT,
    Headers,
    Json,
    Keys,
    StatementLog,
    carrier_delay,
    credit_hold,
    decide,
    post_events,
    short_pick,
    the_pending_approval,
    where_is_my_order,
)


def list_cases(client: TestClient, headers: Headers, **params: str | int) -> list[Json]:
    """The cases of one page of ``GET /v1/cases``."""
    response = client.get("/v1/cases", params=params, headers=headers)
    assert response.status_code == 200, response.text
    cases: list[Json] = response.json()["cases"]
    return cases


@pytest.fixture
def api_desk(shared_desk: ExceptionDesk) -> ExceptionDesk:
    """Every test adds cases of its own, and counts nothing but statements: one database."""
    return shared_desk


@pytest.fixture(scope="module")
def fifty_cases(shared_desk: ExceptionDesk) -> None:
    """45 cases just received, then five run to a stop (approvals, records, one resolved
    with its outbox rows): the five are the newest."""
    for i in range(45):
        shared_desk.submit(TENANT, ExceptionEvent.model_validate(short_pick(f"WMS-Q-{i:03d}")))
    events = [
        short_pick("WMS-Q-900"),
        where_is_my_order("EM-Q-901"),
        credit_hold("ERP-Q-902"),
        carrier_delay("CAR-Q-903"),
        where_is_my_order("EM-Q-904"),
    ]
    keys = Keys(shared_desk)
    with TestClient(create_app(shared_desk.settings, shared_desk)) as client:
        response = post_events(client, keys.headers("wms-bridge", "integration"), events)
        assert response.status_code == 201, response.text
        wismo = response.json()[1]["case"]
        approval = the_pending_approval(wismo)
        approved = decide(client, keys.headers("carla", "cs_rep"), wismo, approval, "approve")
    assert approved.json()["status"] == "resolved", approved.text


@pytest.mark.usefixtures("fifty_cases")
def test_a_page_of_50_cases_costs_the_statements_of_a_page_of_5(
    client: TestClient, reader: Headers, sql_log: StatementLog
) -> None:
    list_cases(client, reader, limit=1)  # the key's use is recorded (once a minute)
    with sql_log.recording() as five:
        small = list_cases(client, reader, limit=5)
    with sql_log.recording() as fifty:
        large = list_cases(client, reader, limit=50)

    assert (len(small), len(large)) == (5, 50)
    assert len(fifty) == len(five), fifty


@pytest.mark.usefixtures("fifty_cases")
def test_a_listed_summary_agrees_with_the_case_read_alone(
    client: TestClient, reader: Headers
) -> None:
    listed = list_cases(client, reader, limit=50)

    assert any(summary["waiting_for"] for summary in listed)
    for summary in listed:
        alone = client.get(f"/v1/cases/{summary['case_id']}", headers=reader).json()
        pending = [a["required_role"] for a in alone["approvals"] if a["status"] == "pending"]
        classification = alone["classification"] or {}
        assert summary["status"] == alone["status"]
        assert summary["source_event_id"] == alone["event"]["source_event_id"]
        assert summary["category"] == classification.get("category")
        assert summary["waiting_for"] == pending
        assert summary["updated_at"] == alone["updated_at"]
        assert "event" not in summary, "documents and records stay on the case's own route"


def edited_then_approved(client: TestClient, keys: Keys, case: Json, editors: list[str]) -> Json:
    """Each editor in turn edits the case's pending reply; answers the last pending one."""
    for editor in editors:
        approval = the_pending_approval(case)
        body = approval["proposal"]["body"] + f"\n\n({editor} checked this.)"
        edited = {**approval["proposal"], "body": body}
        response = decide(
            client, keys.headers(editor, "cs_rep"), case, approval, "edit", edited_proposal=edited
        )
        assert response.status_code == 200, response.text
        case = response.json()
    return case


def test_a_decision_costs_the_same_statements_however_long_the_case(
    client: TestClient, integration: Headers, keys: Keys, sql_log: StatementLog
) -> None:
    short = edited_then_approved(
        client, keys, post_events(client, integration, where_is_my_order("EM-Q-1")).json(), ["ann"]
    )
    long = edited_then_approved(
        client,
        keys,
        post_events(client, integration, where_is_my_order("EM-Q-2")).json(),
        ["ann", "ben", "dan", "eve"],
    )
    assert len(long["approvals"]) > len(short["approvals"])
    approver = keys.headers("zoe", "cs_rep")
    client.get("/v1/cases", params={"limit": 1}, headers=approver)  # the key's use recorded

    counts = []
    for case in (short, long):
        with sql_log.recording() as statements:
            response = decide(client, approver, case, the_pending_approval(case), "approve")
        assert response.json()["status"] == "resolved", response.text
        counts.append(len(statements))

    assert counts[0] == counts[1]


def test_a_decision_assembles_the_case_once(
    client: TestClient, integration: Headers, keys: Keys, sql_log: StatementLog
) -> None:
    case = post_events(client, integration, where_is_my_order("EM-Q-3")).json()

    with sql_log.recording() as statements:
        edited = edited_then_approved(client, keys, case, ["ann"])

    assert the_pending_approval(edited)["proposal"]["body"].endswith("(ann checked this.)")
    loads = [s for s in statements if "FROM approvals WHERE tenant_id=%s AND case_id = ANY" in s]
    assert len(loads) == 1, (
        "only the answer assembles the case (a closing decision also indexes it)"
    )
