"""Authentication and roles: who may call which endpoint (CONTRACT §4)."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from exdesk.domain import Role
from exdesk.service import ExceptionDesk
from tests.api.support import (
    Headers,
    Keys,
    assert_error,
    ingest,
    network_json,
    the_pending_approval,
    where_is_my_order,
)


@pytest.fixture
def api_desk(shared_desk: ExceptionDesk) -> ExceptionDesk:
    """These tests only read, or write what no neighbour counts: one database for all."""
    return shared_desk


def test_health_answers_without_a_key(client: TestClient) -> None:
    response = client.get("/healthz")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "Basic d21zLWJyaWRnZTpzZWNyZXQ=",
        "Bearer",
        "Bearer    ",
        "Token exd_abc_def",
        "Bearer not-an-exception-desk-key",
        "Bearer exd_000000000000_thisSecretWasNeverIssued",
    ],
    ids=[
        "no-header",
        "basic",
        "bearer-no-key",
        "bearer-blank",
        "other-scheme",
        "garbage",
        "unknown",
    ],
)
def test_missing_malformed_or_unknown_keys_are_401_with_a_json_error(
    client: TestClient, authorization: str | None
) -> None:
    headers = {} if authorization is None else {"Authorization": authorization}

    response = client.get("/v1/cases", headers=headers)

    error = assert_error(response, 401, "unauthenticated")
    assert "API key" in error["message"] or "Bearer" in error["message"]
    assert response.headers["WWW-Authenticate"] == "Bearer"


def test_a_real_key_id_with_a_wrong_secret_is_401(client: TestClient, keys: Keys) -> None:
    key = keys.key("olga", "ops")
    forged = key[:-4] + ("AAAA" if not key.endswith("AAAA") else "BBBB")

    response = client.get("/v1/cases", headers={"Authorization": f"Bearer {forged}"})

    assert_error(response, 401, "unauthenticated")


def test_the_key_may_also_come_in_x_api_key(client: TestClient, keys: Keys) -> None:
    response = client.get("/v1/cases", headers={"X-API-Key": keys.key("olga", "ops")})

    assert response.status_code == 200, response.text


def test_integration_may_ingest_but_not_read_cases(
    client: TestClient, integration: Headers
) -> None:
    case = ingest(client, integration, where_is_my_order("EM-2001"))

    assert_error(client.get("/v1/cases", headers=integration), 403, "forbidden")
    assert_error(client.get(f"/v1/cases/{case['case_id']}", headers=integration), 403, "forbidden")
    assert_error(client.get("/v1/audit/verify", headers=integration), 403, "forbidden")


def test_compliance_reads_cases_and_verifies_but_neither_ingests_nor_decides(
    client: TestClient, integration: Headers, keys: Keys
) -> None:
    case = ingest(client, integration, where_is_my_order("EM-2002"))
    compliance = keys.headers("cora", "compliance")

    listed = client.get("/v1/cases", headers=compliance).json()["cases"]
    assert case["case_id"] in {c["case_id"] for c in listed}
    assert client.get(f"/v1/cases/{case['case_id']}", headers=compliance).status_code == 200
    verify = client.get("/v1/audit/verify", headers=compliance)
    assert verify.status_code == 200
    assert verify.json()["ok"] is True

    posted = client.post("/v1/exceptions", json=where_is_my_order("EM-2003"), headers=compliance)
    assert_error(posted, 403, "forbidden")
    approval = the_pending_approval(case)
    decided = client.post(
        f"/v1/cases/{case['case_id']}/approvals/{approval['approval_id']}",
        json={"decision": "approve"},
        headers=compliance,
    )
    assert_error(decided, 403, "forbidden")


@pytest.mark.parametrize(
    ("roles", "allowed"),
    [
        (("integration",), True),
        (("admin",), True),
        (("ops",), False),
        (("cs_rep",), False),
        (("finance",), False),
        (("compliance",), False),
    ],
    ids=["integration", "admin", "ops", "cs_rep", "finance", "compliance"],
)
def test_only_integration_and_admin_may_replace_the_network(
    client: TestClient, keys: Keys, roles: tuple[Role, ...], allowed: bool
) -> None:
    response = client.put("/v1/network", json=network_json(), headers=keys.headers("u", *roles))

    if allowed:
        assert response.status_code == 200, response.text
    else:
        assert_error(response, 403, "forbidden")


@pytest.mark.parametrize("role", ["ops", "finance", "cs_rep", "integration"])
def test_audit_verify_is_for_compliance_and_admin_only(
    client: TestClient, keys: Keys, role: Role
) -> None:
    response = client.get("/v1/audit/verify", headers=keys.headers("u", role))

    assert_error(response, 403, "forbidden")


def test_unknown_paths_and_methods_answer_the_json_error_shape(
    client: TestClient, reader: Headers
) -> None:
    assert_error(client.get("/v1/nowhere", headers=reader), 404, "not_found")
    assert_error(client.get("/v1/exceptions", headers=reader), 405, "method_not_allowed")
