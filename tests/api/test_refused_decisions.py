"""Decisions the desk refuses (403, 404, 422): the approval stays pending, nothing is recorded.

Nothing here changes a case, so the module shares one database and two waiting cases.
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from exdesk.api.app import create_app
from exdesk.domain import Role
from exdesk.service import ExceptionDesk
from tests.api.support import (
    Headers,
    Json,
    Keys,
    assert_error,
    decide,
    fetch_case,
    ingest,
    the_pending_approval,
    where_is_my_order,
)


@pytest.fixture
def api_desk(shared_desk: ExceptionDesk) -> ExceptionDesk:
    """The module's shared database."""
    return shared_desk


@pytest.fixture(scope="module")
def waiting_cases(shared_desk: ExceptionDesk) -> Iterator[tuple[Json, Json]]:
    """Two where-is-my-order cases, each waiting for a CS rep to approve its reply."""
    integration = Keys(shared_desk).headers("wms-bridge", "integration")
    with TestClient(create_app(shared_desk.settings, shared_desk)) as client:
        yield (
            ingest(client, integration, where_is_my_order("EM-3001")),
            ingest(client, integration, where_is_my_order("EM-3002")),
        )


@pytest.fixture
def wismo(waiting_cases: tuple[Json, Json]) -> Json:
    """The case the tests try to decide."""
    return waiting_cases[0]


@pytest.fixture
def other(waiting_cases: tuple[Json, Json]) -> Json:
    """Another waiting case of the same tenant."""
    return waiting_cases[1]


@pytest.fixture
def carla(keys: Keys) -> Headers:
    """A customer-service rep, who could approve the reply."""
    return keys.headers("carla", "cs_rep")


@pytest.mark.parametrize("role", ["ops", "finance"])
def test_a_decider_without_the_approvals_role_is_403(
    client: TestClient, keys: Keys, wismo: Json, role: Role
) -> None:
    headers = keys.headers("pat", role)

    response = decide(client, headers, wismo, the_pending_approval(wismo), "approve")

    error = assert_error(response, 403, "forbidden")
    assert "cs_rep" in error["message"]
    assert fetch_case(client, headers, wismo)["status"] == "awaiting_approval"


def test_integration_may_not_decide(client: TestClient, integration: Headers, wismo: Json) -> None:
    response = decide(client, integration, wismo, the_pending_approval(wismo), "approve")

    assert_error(response, 403, "forbidden")


def test_an_approval_of_another_case_is_404(
    client: TestClient, wismo: Json, other: Json, carla: Headers
) -> None:
    response = decide(client, carla, wismo, the_pending_approval(other), "approve")

    assert_error(response, 404, "not_found")
    assert the_pending_approval(fetch_case(client, carla, other))


def test_an_unknown_case_or_approval_is_404(
    client: TestClient, wismo: Json, carla: Headers
) -> None:
    approval = the_pending_approval(wismo)
    ghost_case = {"case_id": "case_000000000000000000000000"}
    ghost_approval = {"approval_id": "apr_00000000000000000000"}

    assert_error(decide(client, carla, ghost_case, approval, "approve"), 404, "not_found")
    assert_error(decide(client, carla, wismo, ghost_approval, "approve"), 404, "not_found")


@pytest.mark.parametrize(
    ("edited", "location"),
    [
        ({"subject": "", "body": "Your order ships today.", "facts_used": []}, "edited.subject"),
        ({"subject": "Your order", "facts_used": []}, "edited.body"),
        ({"subject": "Hi", "body": "Hi", "facts_used": [], "channel": "sms"}, "edited.channel"),
    ],
    ids=["empty-subject", "no-body", "sms"],
)
def test_an_invalid_edited_draft_is_422_and_changes_nothing(
    client: TestClient, wismo: Json, carla: Headers, edited: Json, location: str
) -> None:
    approval = the_pending_approval(wismo)

    response = decide(client, carla, wismo, approval, "edit", edited_proposal=edited)

    error = assert_error(response, 422, "invalid_request")
    assert error["location"] == location
    case = fetch_case(client, carla, wismo)
    assert the_pending_approval(case)["approval_id"] == approval["approval_id"]
    assert case["decisions"] == wismo["decisions"]


@pytest.mark.parametrize(
    ("body", "location"),
    [
        ({"decision": "maybe"}, "decision"),
        ({}, "decision"),
        ({"decision": "edit"}, "edited"),
        ({"decision": "approve", "edited_proposal": {"subject": "x"}}, "edited"),
        ({"decision": "approve", "signature": "carla"}, "signature"),
    ],
    ids=["unknown-decision", "no-decision", "edit-without-proposal", "approve-with-edit", "extra"],
)
def test_a_malformed_decision_is_422(
    client: TestClient, wismo: Json, carla: Headers, body: Json, location: str
) -> None:
    approval = the_pending_approval(wismo)

    response = client.post(
        f"/v1/cases/{wismo['case_id']}/approvals/{approval['approval_id']}",
        json=body,
        headers=carla,
    )

    error = assert_error(response, 422, "invalid_request")
    assert error["location"] == location
    assert the_pending_approval(fetch_case(client, carla, wismo))
