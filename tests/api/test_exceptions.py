"""POST /v1/exceptions: the case a new event opens, idempotency, lists, concurrency."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from itertools import pairwise
from typing import Any

from fastapi.testclient import TestClient

from exdesk.domain import CATEGORIES, CATEGORY_ROUTE, ROUTES, SEVERITIES
from tests.api.support import (
    OTHER_TENANT,
    TENANT,
    WISMO_CONTACT,
    WISMO_ORDER,
    Headers,
    Json,
    assert_error,
    carrier_delay,
    credit_hold,
    ingest,
    post_events,
    short_pick,
    unreferenced_email,
    where_is_my_order,
)

GENESIS_HASH = "0" * 64


def assert_chained(decisions: list[Json], case_id: str) -> None:
    """The decision records are numbered 1..n and each names the hash of the one before."""
    assert decisions, "a case has at least its intake record"
    assert [d["seq"] for d in decisions] == list(range(1, len(decisions) + 1))
    assert decisions[0]["prev_hash"] == GENESIS_HASH
    for before, after in pairwise(decisions):
        assert after["prev_hash"] == before["hash"]
    assert len({d["hash"] for d in decisions}) == len(decisions)
    assert all(d["case_id"] == case_id and d["tenant_id"] == TENANT for d in decisions)


def total_cases(client: TestClient, reader: Headers) -> int:
    """How many cases the tenant has."""
    response = client.get("/v1/cases", headers=reader)
    assert response.status_code == 200, response.text
    total: int = response.json()["total"]
    return total


def test_a_short_pick_opens_a_case_shaped_as_the_contract_says(
    client: TestClient, integration: Headers
) -> None:
    event = short_pick("WMS-7781")

    case = ingest(client, integration, event)

    assert case["case_id"]
    assert case["tenant_id"] == TENANT
    assert case["event"]["source"] == "wms"
    assert case["event"]["source_event_id"] == "WMS-7781"
    assert case["event"]["order_id"] == WISMO_ORDER
    assert case["event"]["summary"] == event["summary"]
    assert case["event"]["attributes"] == event["attributes"]
    classification = case["classification"]
    assert classification["category"] == "inventory_shortage"
    assert 0.0 <= classification["confidence"] <= 1.0
    assert classification["severity"] in SEVERITIES
    assert classification["engine"] == "local"
    assert case["route"] == CATEGORY_ROUTE["inventory_shortage"]
    assert case["status"] == "awaiting_approval"
    assert case["recommendation"]["options"], "a short pick gets fulfilment options"
    approval = next(a for a in case["approvals"] if a["status"] == "pending")
    assert approval["kind"] == "customer_message"
    assert approval["required_role"] == "cs_rep"
    assert "wms-bridge" in approval["excluded_users"]
    assert case["actions"] == [], "nothing is written before a person approves"
    assert_chained(case["decisions"], case["case_id"])
    steps = [d["step"] for d in case["decisions"]]
    assert steps[:3] == ["intake", "enrich", "classify"]


def test_the_case_is_readable_afterwards_exactly_as_answered(
    client: TestClient, integration: Headers, reader: Headers
) -> None:
    case = ingest(client, integration, credit_hold("ERP-HOLD-55"))

    fetched = client.get(f"/v1/cases/{case['case_id']}", headers=reader)

    assert fetched.status_code == 200
    assert fetched.json() == case
    assert case["route"] == "finance"
    assert case["approvals"][0]["required_role"] == "finance"


def test_the_same_event_again_answers_200_and_the_same_case(
    client: TestClient, integration: Headers, reader: Headers
) -> None:
    first = ingest(client, integration, short_pick("WMS-7782"))

    again = post_events(client, integration, short_pick("WMS-7782"))

    assert again.status_code == 200
    assert again.json()["case_id"] == first["case_id"]
    assert again.json()["decisions"] == first["decisions"], "a re-post adds no record"
    assert total_cases(client, reader) == 1


def test_the_same_event_id_with_new_content_is_409_never_dropped_silently(
    client: TestClient, integration: Headers, reader: Headers
) -> None:
    first = ingest(client, integration, short_pick("WMS-7783"))
    changed = short_pick("WMS-7783", picked=5)  # a re-delivery with new information

    refused = post_events(client, integration, changed)

    error = assert_error(refused, 409, "conflict")
    assert "WMS-7783" in error["message"]
    assert first["case_id"] in error["message"]
    stored = client.get(f"/v1/cases/{first['case_id']}", headers=reader).json()
    assert stored["event"]["summary"] == first["event"]["summary"]
    assert total_cases(client, reader) == 1


def test_the_same_event_id_from_another_source_is_another_case(
    client: TestClient, integration: Headers
) -> None:
    from_wms = ingest(client, integration, short_pick("EVT-1"))
    from_email = ingest(client, integration, where_is_my_order("EVT-1"))

    assert from_email["case_id"] != from_wms["case_id"]


def test_a_list_answers_one_result_per_event_in_order(
    client: TestClient, integration: Headers, reader: Headers
) -> None:
    existing = ingest(client, integration, carrier_delay("CAR-301"))
    events = [short_pick("WMS-401"), carrier_delay("CAR-301"), credit_hold("ERP-402")]

    response = post_events(client, integration, events)

    assert response.status_code == 201
    results = response.json()
    assert [r["created"] for r in results] == [True, False, True]
    assert [r["case"]["event"]["source_event_id"] for r in results] == [
        "WMS-401",
        "CAR-301",
        "ERP-402",
    ]
    assert results[1]["case"]["case_id"] == existing["case_id"]
    assert [r["case"]["route"] for r in results] == ["fulfillment", "fulfillment", "finance"]
    assert total_cases(client, reader) == 3


def test_a_list_of_events_already_seen_answers_200(
    client: TestClient, integration: Headers
) -> None:
    events = [short_pick("WMS-501"), where_is_my_order("EM-502")]
    assert post_events(client, integration, events).status_code == 201

    again = post_events(client, integration, events)

    assert again.status_code == 200
    assert [r["created"] for r in again.json()] == [False, False]


def test_a_list_with_one_malformed_event_creates_nothing(
    client: TestClient, integration: Headers, reader: Headers
) -> None:
    broken = where_is_my_order("EM-601")
    del broken["summary"]

    response = post_events(client, integration, [short_pick("WMS-600"), broken])

    error = assert_error(response, 422, "invalid_request")
    assert error["location"] == "[1].summary"
    assert "[1].summary" in error["message"]
    assert total_cases(client, reader) == 0


def test_an_event_of_another_tenant_is_refused(
    client: TestClient, integration: Headers, reader: Headers
) -> None:
    event = {**short_pick("WMS-700"), "tenant_id": OTHER_TENANT}

    error = assert_error(post_events(client, integration, event), 422, "invalid_request")

    assert error["location"] == "tenant_id"
    assert OTHER_TENANT in error["message"]
    assert total_cases(client, reader) == 0


def test_an_event_naming_the_callers_own_tenant_is_accepted(
    client: TestClient, integration: Headers
) -> None:
    case = ingest(client, integration, {**short_pick("WMS-701"), "tenant_id": TENANT})

    assert case["tenant_id"] == TENANT


def test_a_list_with_one_foreign_tenant_event_creates_nothing(
    client: TestClient, integration: Headers, reader: Headers
) -> None:
    events = [short_pick("WMS-710"), {**where_is_my_order("EM-711"), "tenant_id": OTHER_TENANT}]

    response = post_events(client, integration, events)

    assert_error(response, 422, "invalid_request")
    assert total_cases(client, reader) == 0


def test_a_foreign_tenant_event_in_a_list_is_named_by_its_index(
    client: TestClient, integration: Headers
) -> None:
    events = [short_pick("WMS-720"), {**where_is_my_order("EM-721"), "tenant_id": OTHER_TENANT}]

    error = assert_error(post_events(client, integration, events), 422, "invalid_request")

    assert error["location"] == "[1].tenant_id"


def test_an_event_without_any_reference_still_gets_a_case(
    client: TestClient, integration: Headers
) -> None:
    case = ingest(client, integration, unreferenced_email("EM-800"))

    assert case["status"] not in {"failed", "received"}, case.get("failure_reason")
    assert case["classification"]["category"] in CATEGORIES
    assert case["route"] in ROUTES
    assert case["event"]["order_id"] is None
    assert WISMO_CONTACT not in (case["draft"] or {}).get("body", "")


def test_the_same_event_posted_concurrently_opens_exactly_one_case(
    client: TestClient, integration: Headers, reader: Headers
) -> None:
    event = short_pick("WMS-RACE-1")
    threads = 6
    barrier = threading.Barrier(threads)

    def post(_: int) -> tuple[int, Any]:
        barrier.wait(timeout=10)
        response = post_events(client, integration, event)
        return response.status_code, response.json()

    with ThreadPoolExecutor(max_workers=threads) as pool:
        answers = list(pool.map(post, range(threads)))

    statuses = sorted(status for status, _ in answers)
    assert statuses == [200] * (threads - 1) + [201], answers
    case_ids = {body["case_id"] for _, body in answers}
    assert len(case_ids) == 1
    assert total_cases(client, reader) == 1
    case = client.get(f"/v1/cases/{case_ids.pop()}", headers=reader).json()
    steps = [d["step"] for d in case["decisions"]]
    assert steps.count("intake") == 1
    assert steps.count("classify") == 1
    assert_chained(case["decisions"], case["case_id"])


def test_the_same_event_twice_in_one_list_is_one_case(
    client: TestClient, integration: Headers, reader: Headers
) -> None:
    response = post_events(client, integration, [short_pick("WMS-900"), short_pick("WMS-900")])

    assert response.status_code == 201
    results = response.json()
    assert [r["created"] for r in results] == [True, False]
    assert results[0]["case"]["case_id"] == results[1]["case"]["case_id"]
    assert total_cases(client, reader) == 1
