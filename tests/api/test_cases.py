"""GET /v1/cases and GET /v1/cases/{id}: filters, totals, cursor pagination, 404s."""

from __future__ import annotations

import base64
from datetime import datetime

import pytest
from fastapi.testclient import TestClient

from exdesk.api.app import create_app
from exdesk.service import ExceptionDesk
from tests.api.support import (
    Headers,
    Json,
    Keys,
    assert_error,
    carrier_delay,
    credit_hold,
    post_events,
    short_pick,
    where_is_my_order,
)


@pytest.fixture
def api_desk(shared_desk: ExceptionDesk) -> ExceptionDesk:
    """The tests only read: they share one database holding ``six_cases``."""
    return shared_desk


@pytest.fixture(scope="module")
def six_cases(shared_desk: ExceptionDesk) -> list[Json]:
    """Two short picks, two WISMO e-mails, a credit hold and a carrier delay."""
    events = [
        short_pick("WMS-1001"),
        where_is_my_order("EM-1002"),
        credit_hold("ERP-1003"),
        short_pick("WMS-1004", picked=2),
        carrier_delay("CAR-1005"),
        where_is_my_order("EM-1006"),
    ]
    integration = Keys(shared_desk).headers("wms-bridge", "integration")
    with TestClient(create_app(shared_desk.settings, shared_desk)) as client:
        response = post_events(client, integration, events)
    assert response.status_code == 201, response.text
    return [result["case"] for result in response.json()]


def list_cases(client: TestClient, headers: Headers, **params: str | int) -> Json:
    """One page of ``GET /v1/cases``."""
    response = client.get("/v1/cases", params=params, headers=headers)
    assert response.status_code == 200, response.text
    page: Json = response.json()
    return page


def walk(client: TestClient, headers: Headers, **params: str | int) -> tuple[list[str], int]:
    """Every case id across all pages, and how many pages it took."""
    ids: list[str] = []
    pages = 0
    cursor: str | None = None
    while True:
        page = list_cases(client, headers, **params, **({"cursor": cursor} if cursor else {}))
        pages += 1
        ids.extend(case["case_id"] for case in page["cases"])
        cursor = page["next_cursor"]
        if cursor is None:
            return ids, pages
        assert pages < 50, "pagination does not end"


def test_listing_answers_every_case_newest_first_with_the_total(
    client: TestClient, reader: Headers, six_cases: list[Json]
) -> None:
    page = list_cases(client, reader)

    assert page["total"] == 6
    assert page["next_cursor"] is None
    assert {c["case_id"] for c in page["cases"]} == {c["case_id"] for c in six_cases}
    created = [datetime.fromisoformat(c["created_at"]) for c in page["cases"]]
    assert created == sorted(created, reverse=True)
    assert all("decisions" not in c and "event" not in c for c in page["cases"]), (
        "a page lists summaries; each case in full is on its own route"
    )


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"category": "inventory_shortage"}, {"WMS-1001", "WMS-1004"}),
        ({"category": "customer_inquiry"}, {"EM-1002", "EM-1006"}),
        ({"route": "fulfillment"}, {"WMS-1001", "WMS-1004", "CAR-1005"}),
        ({"route": "finance"}, {"ERP-1003"}),
        ({"route": "customer_comm", "status": "awaiting_approval"}, {"EM-1002", "EM-1006"}),
        ({"status": "resolved"}, set()),
        ({"category": "shipment_lost"}, set()),
    ],
    ids=["shortage", "inquiry", "fulfillment", "finance", "comm-awaiting", "resolved", "lost"],
)
def test_filters_select_the_matching_cases_and_count_them(
    client: TestClient,
    reader: Headers,
    six_cases: list[Json],
    params: dict[str, str],
    expected: set[str],
) -> None:
    page = list_cases(client, reader, **params)

    assert {c["source_event_id"] for c in page["cases"]} == expected
    assert page["total"] == len(expected)
    for case in page["cases"]:
        if "status" in params:
            assert case["status"] == params["status"]
        if "route" in params:
            assert case["route"] == params["route"]
        if "category" in params:
            assert case["category"] == params["category"]


@pytest.mark.parametrize("limit", [1, 2, 4])
def test_cursor_pagination_walks_every_case_exactly_once(
    client: TestClient, reader: Headers, six_cases: list[Json], limit: int
) -> None:
    ids, pages = walk(client, reader, limit=limit)

    assert sorted(ids) == sorted(c["case_id"] for c in six_cases)
    assert len(ids) == len(set(ids))
    assert pages == -(-6 // limit)


def test_a_page_keeps_the_total_of_the_whole_listing(
    client: TestClient, reader: Headers, six_cases: list[Json]
) -> None:
    first = list_cases(client, reader, limit=2)
    second = list_cases(client, reader, limit=2, cursor=first["next_cursor"])

    assert len(first["cases"]) == len(second["cases"]) == 2
    assert first["total"] == second["total"] == 6
    assert not {c["case_id"] for c in first["cases"]} & {c["case_id"] for c in second["cases"]}


def test_pagination_under_a_filter_walks_only_the_matching_cases(
    client: TestClient, reader: Headers, six_cases: list[Json]
) -> None:
    ids, _ = walk(client, reader, route="fulfillment", limit=1)

    expected = {c["case_id"] for c in six_cases if c["route"] == "fulfillment"}
    assert sorted(ids) == sorted(expected)


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


@pytest.mark.parametrize(
    "cursor",
    [
        "not a cursor!",
        _b64(b"[1, 2, 3]"),
        _b64(b'["last tuesday", "case_1"]'),
        _b64(b'{"created_at": "2026-11-10"}'),
        _b64(b"\xff\xfe\x00"),
    ],
    ids=["garbage", "wrong-shape", "not-a-time", "object", "not-utf8"],
)
def test_an_invalid_cursor_is_422(
    client: TestClient, reader: Headers, six_cases: list[Json], cursor: str
) -> None:
    response = client.get("/v1/cases", params={"cursor": cursor}, headers=reader)

    error = assert_error(response, 422, "invalid_request")
    assert error["location"] == "cursor"


@pytest.mark.parametrize(
    ("params", "location"),
    [
        ({"status": "open"}, "status"),
        ({"category": "lost_parcel"}, "category"),
        ({"route": "warehouse"}, "route"),
        ({"limit": 0}, "limit"),
        ({"limit": 201}, "limit"),
        ({"limit": "ten"}, "limit"),
    ],
    ids=["status", "category", "route", "limit-0", "limit-201", "limit-text"],
)
def test_a_bad_filter_is_422_naming_the_parameter(
    client: TestClient, reader: Headers, params: dict[str, str | int], location: str
) -> None:
    response = client.get("/v1/cases", params=params, headers=reader)

    error = assert_error(response, 422, "invalid_request")
    assert error["location"] == location


def test_an_unknown_case_is_404(client: TestClient, reader: Headers) -> None:
    response = client.get("/v1/cases/case_000000000000000000000000", headers=reader)

    error = assert_error(response, 404, "not_found")
    assert "case_000000000000000000000000" in error["message"]
