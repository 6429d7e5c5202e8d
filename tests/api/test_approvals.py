"""POST /v1/cases/{id}/approvals/{approval_id}: people decide, exactly once, never their own."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from fastapi.testclient import TestClient

from tests.api.support import (
    WISMO_CONTACT_EMAIL,
    Headers,
    Json,
    Keys,
    assert_error,
    credit_hold,
    decide,
    fetch_case,
    ingest,
    lost_shipment,
    post_events,
    short_pick,
    the_pending_approval,
    where_is_my_order,
)


@pytest.fixture
def carla(keys: Keys) -> Headers:
    """A customer-service rep."""
    return keys.headers("carla", "cs_rep")


@pytest.fixture
def ben(keys: Keys) -> Headers:
    """Another customer-service rep."""
    return keys.headers("ben", "cs_rep")


@pytest.fixture
def olga(keys: Keys) -> Headers:
    """An ops planner, who approves remediation and classifies triage."""
    return keys.headers("olga", "ops")


@pytest.fixture
def wismo(client: TestClient, integration: Headers) -> Json:
    """A where-is-my-order case waiting for a CS rep to approve the drafted reply."""
    case = ingest(client, integration, where_is_my_order("EM-3001"))
    assert the_pending_approval(case)["kind"] == "customer_message"
    return case


def gate_records(case: Json, approval: Json) -> list[Json]:
    """The approval_gate records that decided ``approval``."""
    return [
        d
        for d in case["decisions"]
        if d["step"] == "approval_gate"
        and d["output"].get("approval_id") == approval["approval_id"]
    ]


def test_approving_the_reply_resolves_the_case_with_one_message(
    client: TestClient, wismo: Json, carla: Headers
) -> None:
    approval = the_pending_approval(wismo)

    response = decide(client, carla, wismo, approval, "approve", comment="tracking confirmed")

    assert response.status_code == 200, response.text
    case = response.json()
    assert case["status"] == "resolved"
    decided = next(a for a in case["approvals"] if a["approval_id"] == approval["approval_id"])
    assert (decided["status"], decided["decided_by"]) == ("approved", "carla")
    assert decided["comment"] == "tracking confirmed"
    assert [a["kind"] for a in case["actions"]] == ["customer_message"]
    message = case["actions"][0]["payload"]
    assert message["body"] == approval["proposal"]["body"]
    assert message["to"].endswith(".example.com")
    assert [r["actor"] for r in gate_records(case, approval)] == ["human:carla"]


def test_the_initiator_may_not_approve_their_own_case(
    client: TestClient, olga: Headers, keys: Keys
) -> None:
    case = ingest(client, olga, lost_shipment("CAR-3101"))  # ops may also report exceptions
    approval = the_pending_approval(case)
    assert approval["kind"] == "remediation"

    response = decide(client, olga, case, approval, "approve")

    error = assert_error(response, 403, "forbidden")
    assert "olga" in error["message"]
    other_planner = keys.headers("omar", "ops")
    assert decide(client, other_planner, case, approval, "approve").status_code == 200


def test_deciding_twice_is_409(
    client: TestClient, wismo: Json, carla: Headers, ben: Headers
) -> None:
    approval = the_pending_approval(wismo)
    assert decide(client, carla, wismo, approval, "approve").status_code == 200

    again = decide(client, ben, wismo, approval, "reject")

    error = assert_error(again, 409, "conflict")
    assert "carla" in error["message"]
    case = fetch_case(client, ben, wismo)
    assert case["status"] == "resolved"
    assert len(gate_records(case, approval)) == 1


def test_two_concurrent_decisions_on_one_approval_one_wins_one_conflicts(
    client: TestClient, wismo: Json, carla: Headers, ben: Headers
) -> None:
    approval = the_pending_approval(wismo)
    barrier = threading.Barrier(2)

    def approve(headers: Headers) -> int:
        barrier.wait(timeout=10)
        return decide(client, headers, wismo, approval, "approve").status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        statuses = sorted(pool.map(approve, [carla, ben]))

    assert statuses == [200, 409]
    case = fetch_case(client, carla, wismo)
    assert len(gate_records(case, approval)) == 1
    assert [a["kind"] for a in case["actions"]] == ["customer_message"]
    assert case["status"] == "resolved"


def test_an_edited_reply_needs_another_rep_and_goes_out_as_edited(
    client: TestClient, wismo: Json, carla: Headers, ben: Headers
) -> None:
    approval = the_pending_approval(wismo)
    edited = {
        **approval["proposal"],
        "body": approval["proposal"]["body"] + "\n\nWe are sorry for the wait.",
    }

    response = decide(client, carla, wismo, approval, "edit", edited_proposal=edited)

    assert response.status_code == 200, response.text
    case = response.json()
    assert case["status"] == "awaiting_approval"
    assert case["actions"] == []
    review = the_pending_approval(case)
    assert review["approval_id"] != approval["approval_id"]
    assert review["proposal"]["body"] == edited["body"]
    assert "carla" in review["excluded_users"]

    own = decide(client, carla, case, review, "approve")
    assert_error(own, 403, "forbidden")

    approved = decide(client, ben, case, review, "approve")
    assert approved.status_code == 200, approved.text
    final = approved.json()
    assert final["status"] == "resolved"
    assert [a["kind"] for a in final["actions"]] == ["customer_message"]
    assert final["actions"][0]["payload"]["body"] == edited["body"]
    statuses = {a["approval_id"]: (a["status"], a["decided_by"]) for a in final["approvals"]}
    assert statuses == {
        approval["approval_id"]: ("edited", "carla"),
        review["approval_id"]: ("approved", "ben"),
    }


def test_rejecting_the_remediation_closes_the_case_with_no_action(
    client: TestClient, integration: Headers, olga: Headers
) -> None:
    case = ingest(client, integration, lost_shipment("CAR-3201"))
    approval = the_pending_approval(case)

    response = decide(client, olga, case, approval, "reject", comment="customer will wait")

    assert response.status_code == 200, response.text
    rejected = response.json()
    assert rejected["status"] == "rejected"
    assert rejected["actions"] == []
    assert not [a for a in rejected["approvals"] if a["status"] == "pending"]
    assert [r["actor"] for r in gate_records(rejected, approval)] == ["human:olga"]


def test_approving_every_stage_resolves_with_one_outbox_row_per_action(
    client: TestClient, integration: Headers, olga: Headers, carla: Headers
) -> None:
    event = lost_shipment("CAR-3301")
    case = ingest(client, integration, event)
    remediation = the_pending_approval(case)
    assert remediation["kind"] == "remediation"

    after_ops = decide(client, olga, case, remediation, "approve").json()
    assert after_ops["status"] == "awaiting_approval"
    assert after_ops["actions"] == [], "nothing is written before the last stage is approved"
    reply = the_pending_approval(after_ops)
    assert reply["kind"] == "customer_message"
    final = decide(client, carla, case, reply, "approve").json()

    assert final["status"] == "resolved"
    assert sorted(a["kind"] for a in final["actions"]) == ["customer_message", "remediation"]
    option = final["actions"][[a["kind"] for a in final["actions"]].index("remediation")]
    assert option["payload"]["option"] == remediation["proposal"]["options"][0]
    steps = [d["step"] for d in final["decisions"]]
    assert (steps.count("execute"), steps[-1]) == (1, "resolve")

    resent = post_events(client, integration, event)
    assert resent.status_code == 200
    assert resent.json()["actions"] == final["actions"], "re-posting runs nothing twice"
    assert resent.json()["decisions"] == final["decisions"]


def test_a_short_pick_with_auto_approved_remediation_writes_both_actions(
    client: TestClient, integration: Headers, ben: Headers
) -> None:
    case = ingest(client, integration, short_pick("WMS-3401"))

    final = decide(client, ben, case, the_pending_approval(case), "approve").json()

    assert final["status"] == "resolved"
    assert sorted(a["kind"] for a in final["actions"]) == ["customer_message", "remediation"]
    assert all(a["case_id"] == case["case_id"] for a in final["actions"])


def test_a_credit_hold_is_finances_to_release(
    client: TestClient, integration: Headers, keys: Keys, carla: Headers
) -> None:
    case = ingest(client, integration, credit_hold("ERP-3501"))
    credit = the_pending_approval(case)
    assert (credit["kind"], credit["required_role"]) == ("credit", "finance")
    assert_error(decide(client, carla, case, credit, "approve"), 403, "forbidden")

    after = decide(client, keys.headers("fiona", "finance"), case, credit, "approve")

    assert after.status_code == 200, after.text
    assert the_pending_approval(after.json())["kind"] == "customer_message"


def test_finance_cancels_the_held_order_and_the_rep_sees_to_whom_it_is_told(
    client: TestClient, integration: Headers, keys: Keys, carla: Headers
) -> None:
    case = ingest(client, integration, credit_hold("ERP-3502"))
    credit = the_pending_approval(case)
    finance = keys.headers("fiona", "finance")
    assert_error(
        decide(client, finance, case, credit, "approve", action="reship"), 422, "invalid_request"
    )

    after = decide(client, finance, case, credit, "approve", action="cancel_order")

    assert after.status_code == 200, after.text
    decided = next(a for a in after.json()["approvals"] if a["kind"] == "credit")
    assert decided["edited_proposal"]["action"] == "cancel_order"
    reply = the_pending_approval(after.json())
    assert reply["proposal"]["to"] == WISMO_CONTACT_EMAIL
    final = decide(client, carla, case, reply, "reject", comment="calling them instead")
    assert final.json()["status"] == "resolved", "no message, the cancellation stands"
    [applied] = final.json()["actions"]
    assert applied["payload"]["action"] == "cancel_order"
    assert final.json()["resolution"] == "cancel_order"


def test_ops_classifies_a_triage_case_and_it_moves_on(
    client: TestClient, integration: Headers, olga: Headers
) -> None:
    event = {
        "source": "manual",
        "source_event_id": "MAN-3601",
        "occurred_at": "2026-11-10T09:30:00-06:00",
        "summary": "Please call me back about the thing we discussed",
    }
    case = ingest(client, integration, event)
    assert case["route"] == "triage"
    triage = the_pending_approval(case)
    assert (triage["kind"], triage["required_role"]) == ("classification", "ops")

    bad = decide(client, olga, case, triage, "edit", edited_proposal={"category": "urgent"})
    assert assert_error(bad, 422, "invalid_request")["location"] == "edited.category"

    response = decide(
        client, olga, case, triage, "edit", edited_proposal={"category": "customer_inquiry"}
    )

    assert response.status_code == 200, response.text
    classified = response.json()
    assert classified["classification"]["category"] == "customer_inquiry"
    assert classified["classification"]["engine"] == "human"
    assert classified["route"] == "customer_comm"
    assert the_pending_approval(classified)["kind"] == "customer_message"


def test_an_edited_reply_the_guard_denies_may_be_rejected_but_not_approved(
    client: TestClient, wismo: Json, carla: Headers, ben: Headers
) -> None:
    approval = the_pending_approval(wismo)
    leaky = {
        **approval["proposal"],
        "body": approval["proposal"]["body"] + "\n\nYour other order SO-104108 was delivered.",
    }
    edited = decide(client, carla, wismo, approval, "edit", edited_proposal=leaky).json()
    review = the_pending_approval(edited)
    assert review["allowed_decisions"] == ["reject", "edit"]
    assert "SO-104108" in review["reason"]

    refused = decide(client, ben, edited, review, "approve")

    assert assert_error(refused, 422, "invalid_request")["location"] == "decision"
    assert (
        the_pending_approval(fetch_case(client, ben, wismo))["approval_id"] == review["approval_id"]
    )
    rejected = decide(client, ben, edited, review, "reject").json()
    assert (rejected["status"], rejected["actions"]) == ("rejected", [])
