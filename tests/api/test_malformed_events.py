"""Malformed exception bodies: 422 with a message a partner can act on and the field's location."""

from __future__ import annotations

from typing import Any

import pytest
from fastapi.testclient import TestClient

from exdesk.service import ExceptionDesk
from tests.api.support import Headers, assert_error, post_events, short_pick


@pytest.fixture
def api_desk(shared_desk: ExceptionDesk) -> ExceptionDesk:
    """No request here may create anything: one database for the module."""
    return shared_desk


@pytest.fixture
def cases_before(client: TestClient, reader: Headers) -> int:
    """How many cases the tenant had before the test's request."""
    total: int = client.get("/v1/cases", headers=reader).json()["total"]
    return total


def assert_nothing_created(client: TestClient, reader: Headers, before: int) -> None:
    """The tenant has no more cases than before."""
    assert client.get("/v1/cases", headers=reader).json()["total"] == before


@pytest.mark.parametrize(
    ("change", "location", "says"),
    [
        ({"occurred_at": "2026-11-10T08:15:00"}, "occurred_at", "timezone"),
        ({"occurred_at": "yesterday morning"}, "occurred_at", "datetime"),
        ({"source": "fax"}, "source", "wms"),
        ({"summary": 42}, "summary", "string"),
        ({"summary": "   "}, "summary", "at least 1 character"),
        ({"attributes": "requested_qty=10"}, "attributes", "dictionary"),
        ({"source_event_id": ""}, "source_event_id", "at least 1 character"),
        (
            {"document": {"kind": "docx", "name": "asn.docx", "content": "x"}},
            "document.kind",
            "x12",
        ),
        (
            {"document": {"kind": "pdf", "name": "asn.pdf", "content": "%PDF-1.4"}},
            "document.content",
            "base64",
        ),
        ({"picked_by": "R. Diaz"}, "picked_by", "not permitted"),
    ],
    ids=[
        "naive-datetime",
        "not-a-datetime",
        "unknown-source",
        "summary-not-text",
        "blank-summary",
        "attributes-not-object",
        "empty-event-id",
        "unknown-document-kind",
        "pdf-not-base64",
        "unknown-field",
    ],
)
def test_a_malformed_event_is_422_naming_the_field(
    client: TestClient,
    integration: Headers,
    reader: Headers,
    cases_before: int,
    change: dict[str, Any],
    location: str,
    says: str,
) -> None:
    event = {**short_pick("WMS-900"), **change}

    error = assert_error(post_events(client, integration, event), 422, "invalid_request")

    assert error["location"] == location
    assert error["message"].startswith(f"{location}: ")
    assert says in error["message"]
    assert_nothing_created(client, reader, cases_before)


@pytest.mark.parametrize("field", ["source", "source_event_id", "occurred_at", "summary"])
def test_each_required_field_is_required(
    client: TestClient, integration: Headers, field: str
) -> None:
    event = short_pick("WMS-901")
    del event[field]

    error = assert_error(post_events(client, integration, event), 422, "invalid_request")

    assert error["location"] == field
    assert "required" in error["message"].lower()


@pytest.mark.parametrize(
    ("content", "content_type"),
    [('"a short pick"', "application/json"), ("42", "application/json"), ("hi", "text/plain")],
    ids=["json-string", "json-number", "plain-text"],
)
def test_a_body_that_is_neither_an_event_nor_a_list_is_422(
    client: TestClient, integration: Headers, content: str, content_type: str
) -> None:
    response = client.post(
        "/v1/exceptions",
        content=content,
        headers={**integration, "Content-Type": content_type},
    )

    error = assert_error(response, 422, "invalid_request")
    assert error["location"] == "body"
    assert "exception event" in error["message"]


def test_a_body_that_is_not_json_is_422(client: TestClient, integration: Headers) -> None:
    response = client.post(
        "/v1/exceptions",
        content='{"source": "wms", "summary": ',
        headers={**integration, "Content-Type": "application/json"},
    )

    error = assert_error(response, 422, "invalid_request")
    assert "JSON" in error["message"]


def test_a_body_that_is_not_json_is_located_at_the_body(
    client: TestClient, integration: Headers
) -> None:
    response = client.post(
        "/v1/exceptions",
        content='{"source": "wms", "summary": ',
        headers={**integration, "Content-Type": "application/json"},
    )

    error = assert_error(response, 422, "invalid_request")
    assert error["location"] == "body"


def test_the_first_bad_field_of_a_listed_event_is_named_with_its_index(
    client: TestClient, integration: Headers, reader: Headers, cases_before: int
) -> None:
    events = [short_pick("WMS-910"), short_pick("WMS-911"), short_pick("WMS-912")]
    events[2]["attributes"] = ["requested_qty", 10]

    error = assert_error(post_events(client, integration, events), 422, "invalid_request")

    assert error["location"] == "[2].attributes"
    assert_nothing_created(client, reader, cases_before)


def test_more_than_500_events_in_one_request_is_422(
    client: TestClient, integration: Headers, reader: Headers, cases_before: int
) -> None:
    events = [short_pick(f"WMS-BULK-{i}") for i in range(501)]

    error = assert_error(post_events(client, integration, events), 422, "invalid_request")

    assert "500" in error["message"]
    assert_nothing_created(client, reader, cases_before)
