"""``GET /v1/cases/{id}/similar`` and the text of ``exdesk cases similar``."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from exdesk.api.app import create_app
from exdesk.cli.precedents import similar_cases_command
from exdesk.domain import Case
from exdesk.errors import InputError, NotFoundError
from exdesk.service import ExceptionDesk
from exdesk.tools.precedents import PrecedentIndex
from tests.api.support import Keys, assert_error
from tests.precedents.support import closed_case

DELAY = "Shipment SH-88207 delayed in transit due to weather at the Louisville hub"
DELAY_TWIN = "Shipment SH-90114 delayed in transit due to weather at the Louisville hub"
CREDIT = "Order SO-104117 placed on credit hold: customer over credit limit"


@pytest.fixture
def cases(desk: ExceptionDesk, index: PrecedentIndex) -> dict[str, Case]:
    """An open acme case, two closed acme precedents, and a closed globex case."""
    made = {
        "open": closed_case(desk, "acme", DELAY, status="awaiting_approval"),
        "twin": closed_case(desk, "acme", DELAY_TWIN),
        "credit": closed_case(desk, "acme", CREDIT, status="rejected", category="credit_hold"),
        "foreign": closed_case(desk, "globex", DELAY),
    }
    with desk.db.connection() as conn:
        for case in made.values():
            index.index_case(conn, case)
    return made


@pytest.fixture
def client(desk: ExceptionDesk, index: PrecedentIndex) -> Iterator[TestClient]:
    """The API with the precedents router, on the small test embedder."""
    app = create_app(desk.settings, desk)
    with TestClient(app) as test_client:
        yield test_client


def test_similar_returns_the_tenants_precedents_nearest_first(
    client: TestClient, desk: ExceptionDesk, cases: dict[str, Case]
) -> None:
    headers = Keys(desk).headers("olga", "ops")

    response = client.get(f"/v1/cases/{cases['open'].case_id}/similar?k=5", headers=headers)

    assert response.status_code == 200, response.text
    body = response.json()
    assert body["embedder"] == "local-tfidf-svd-32"
    assert [p["case_id"] for p in body["precedents"]] == [
        cases["twin"].case_id,
        cases["credit"].case_id,
    ]
    assert body["precedents"][1]["status"] == "rejected"
    assert body["precedents"][1]["resolution"]["category"] == "credit_hold"
    one = client.get(f"/v1/cases/{cases['open'].case_id}/similar?k=1", headers=headers)
    assert [p["case_id"] for p in one.json()["precedents"]] == [cases["twin"].case_id]


def test_another_tenants_case_is_not_found(
    client: TestClient, desk: ExceptionDesk, cases: dict[str, Case]
) -> None:
    acme = Keys(desk).headers("olga", "ops")
    globex = Keys(desk).headers("gus", "ops", tenant="globex")

    foreign = client.get(f"/v1/cases/{cases['foreign'].case_id}/similar", headers=acme)
    unknown = client.get("/v1/cases/case_doesnotexist/similar", headers=acme)
    reverse = client.get(f"/v1/cases/{cases['open'].case_id}/similar", headers=globex)

    assert_error(foreign, 404, "not_found")
    assert_error(unknown, 404, "not_found")
    assert_error(reverse, 404, "not_found")


@pytest.mark.parametrize("k", [0, 51])
def test_k_outside_1_to_50_is_refused(
    client: TestClient, desk: ExceptionDesk, cases: dict[str, Case], k: int
) -> None:
    headers = Keys(desk).headers("olga", "ops")
    response = client.get(f"/v1/cases/{cases['open'].case_id}/similar?k={k}", headers=headers)
    assert response.status_code == 422


def test_an_integration_key_may_not_read_precedents(
    client: TestClient, desk: ExceptionDesk, cases: dict[str, Case]
) -> None:
    headers = Keys(desk).headers("wms-bridge", "integration")
    response = client.get(f"/v1/cases/{cases['open'].case_id}/similar", headers=headers)
    assert_error(response, 403, "forbidden")


def test_cli_text_lists_precedents_with_outcome_and_approvers(
    desk: ExceptionDesk, index: PrecedentIndex, cases: dict[str, Case]
) -> None:
    text = similar_cases_command(desk, "acme", cases["open"].case_id, 2, index=index)

    lines = text.splitlines()
    assert cases["open"].case_id in lines[0]
    assert text.index(cases["twin"].case_id) < text.index(cases["credit"].case_id)
    assert cases["foreign"].case_id not in text
    assert "rejected" in text
    assert "approved by: nobody" in text
    with pytest.raises(NotFoundError):
        similar_cases_command(desk, "globex", cases["open"].case_id, 2, index=index)
    with pytest.raises(InputError):
        similar_cases_command(desk, "acme", cases["open"].case_id, 0, index=index)
