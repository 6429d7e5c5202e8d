"""Poison input is refused before any work, in the JSON error shape, naming where it is:
NUL and lone surrogates anywhere, nesting 500 deep, integers past bigint, the year 9999,
NaN and infinities (422); a body over the limit (413, without reading it)."""

from __future__ import annotations

import asyncio
import json
from collections.abc import MutableMapping
from typing import Any

import pytest
from fastapi.testclient import TestClient

from exdesk.api.app import create_app
from exdesk.service import ExceptionDesk
from tests.api.support import (
    Headers,
    assert_error,
    ingest,
    network_json,
    short_pick,
    the_pending_approval,
    where_is_my_order,
)


@pytest.fixture
def api_desk(shared_desk: ExceptionDesk) -> ExceptionDesk:
    """Nothing here may be stored: one database for the module."""
    return shared_desk


def _nested(depth: int) -> dict[str, Any]:
    value: dict[str, Any] = {"leaf": 1}
    for _ in range(depth):
        value = {"x": value}
    return value


def _raw_post(client: TestClient, headers: Headers, text: str) -> Any:
    return client.post(
        "/v1/exceptions",
        content=text.encode("utf-8", "surrogatepass"),
        headers={**headers, "content-type": "application/json"},
    )


@pytest.mark.parametrize(
    ("change", "location"),
    [
        ({"summary": "short pick\x00"}, "summary"),
        ({"source_event_id": "WMS-\x00"}, "source_event_id"),
        ({"attributes": {"note\x00": "x"}}, "attributes.note\\u0000"),
        ({"attributes": {"picked": [1, "a\x00"]}}, "attributes.picked[1]"),
        ({"attributes": {"n": 2**70}}, "attributes.n"),
        ({"attributes": _nested(500)}, "attributes" + ".x" * 31),
        ({"occurred_at": "9999-12-31T23:59:59+00:00"}, "occurred_at"),
    ],
    ids=["nul-summary", "nul-id", "nul-key", "nul-in-list", "2**70", "500-deep", "year-9999"],
)
def test_poison_in_an_event_is_422_naming_the_field(
    client: TestClient, integration: Headers, change: dict[str, Any], location: str
) -> None:
    event = {**short_pick("WMS-POISON"), **change}

    error = assert_error(_raw_post(client, integration, json.dumps(event)), 422, "invalid_request")

    assert error["location"] == location


@pytest.mark.parametrize(
    ("literal", "location"),
    [
        ('"summary": "short \\ud800 pick"', "summary"),
        ('"attributes": {"qty": NaN}', "attributes.qty"),
        ('"attributes": {"qty": -Infinity}', "attributes.qty"),
        ('"attributes": {"qty": 1e400}', "attributes.qty"),
    ],
    ids=["lone-surrogate", "nan", "infinity", "overflowing-float"],
)
def test_text_and_numbers_json_cannot_hold_are_422(
    client: TestClient, integration: Headers, literal: str, location: str
) -> None:
    event = short_pick("WMS-POISON-2")
    event.pop("summary" if literal.startswith('"summary"') else "attributes", None)
    text = json.dumps(event)[:-1] + ", " + literal + "}"

    error = assert_error(_raw_post(client, integration, text), 422, "invalid_request")

    assert error["location"] == location


def test_a_quantity_past_any_stock_is_422_in_the_network(client: TestClient, keys: Any) -> None:
    network = network_json()
    network["inventory"][0]["on_hand"] = 2**40
    answer = client.put("/v1/network", json=network, headers=keys.headers("erp", "integration"))

    error = assert_error(answer, 422, "invalid_request")

    assert error["location"] == "inventory[0].on_hand"


def test_nul_in_a_path_parameter_or_cursor_is_422(client: TestClient, reader: Headers) -> None:
    in_path = assert_error(client.get("/v1/cases/case%00", headers=reader), 422, "invalid_request")
    in_cursor = assert_error(
        client.get("/v1/cases", params={"cursor": "a\x00"}, headers=reader), 422, "invalid_request"
    )
    surrogate = assert_error(
        client.get("/v1/cases?cursor=%ED%A0%80", headers=reader), 422, "invalid_request"
    )

    assert in_path["location"] == "case_id"
    assert (in_cursor["location"], surrogate["location"]) == ("cursor", "cursor")


def test_nul_in_a_decision_comment_is_422_and_decides_nothing(
    client: TestClient, integration: Headers, keys: Any
) -> None:
    case = ingest(client, integration, where_is_my_order("EM-POISON-COMMENT"))
    approval = the_pending_approval(case)
    url = f"/v1/cases/{case['case_id']}/approvals/{approval['approval_id']}"
    rep = keys.headers("carla", "cs_rep")

    answer = client.post(url, json={"decision": "approve", "comment": "ok\x00"}, headers=rep)

    assert assert_error(answer, 422, "invalid_request")["location"] == "comment"
    after = client.get(f"/v1/cases/{case['case_id']}", headers=rep).json()
    assert the_pending_approval(after)["approval_id"] == approval["approval_id"]


def test_a_body_declared_over_the_limit_is_413_before_it_is_sent(
    client: TestClient, integration: Headers
) -> None:
    headers = {**integration, "content-type": "application/json", "content-length": "100000000"}

    answer = client.post("/v1/exceptions", content=b"{}", headers=headers)

    assert assert_error(answer, 413, "too_large")["location"] == "body"


def test_a_streamed_100_mb_body_is_413_after_reading_only_the_limit(
    api_desk: ExceptionDesk,
) -> None:
    app = create_app(api_desk.settings, api_desk)
    chunk = b"x" * 1_000_000
    pulled: list[int] = []
    sent: list[MutableMapping[str, Any]] = []

    async def receive() -> dict[str, Any]:
        pulled.append(len(chunk))
        return {"type": "http.request", "body": chunk, "more_body": len(pulled) < 100}

    async def send(message: MutableMapping[str, Any]) -> None:
        sent.append(message)

    scope = {
        "type": "http",
        "method": "POST",
        "path": "/v1/exceptions",
        "raw_path": b"/v1/exceptions",
        "query_string": b"",
        "headers": [(b"content-type", b"application/json")],
        "http_version": "1.1",
        "scheme": "http",
        "server": ("127.0.0.1", 8000),
        "client": ("127.0.0.1", 5000),
        "root_path": "",
    }
    asyncio.run(app(scope, receive, send))

    assert sent[0]["status"] == 413
    assert json.loads(sent[1]["body"])["error"]["code"] == "too_large"
    assert sum(pulled) <= api_desk.settings.max_body_bytes + len(chunk)


def test_a_body_that_is_not_utf_8_is_422_not_400(client: TestClient, integration: Headers) -> None:
    answer = client.post(
        "/v1/exceptions",
        content=b"h\xff\xfeN",
        headers={**integration, "content-type": "application/json"},
    )

    assert assert_error(answer, 422, "invalid_request")["location"] == "body"
