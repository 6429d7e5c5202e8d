"""Tenant isolation: another tenant can neither read, count, decide nor use acme's data."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient

from exdesk.service import ExceptionDesk
from tests.api.support import (
    OTHER_TENANT,
    TENANT,
    WISMO_CONTACT,
    WISMO_TRACKING,
    Headers,
    Json,
    Keys,
    assert_error,
    decide,
    ingest,
    network_json,
    post_events,
    the_pending_approval,
    where_is_my_order,
)


@pytest.fixture
def acme_case(client: TestClient, integration: Headers) -> Json:
    """An acme where-is-my-order case waiting for a CS rep."""
    return ingest(client, integration, where_is_my_order("EM-5001"))


@pytest.fixture
def globex_rep(keys: Keys) -> Headers:
    """A globex user holding every role that reads or decides."""
    return keys.headers("gail", "cs_rep", "ops", "finance", "compliance", tenant=OTHER_TENANT)


@pytest.fixture
def globex_bridge(keys: Keys) -> Headers:
    """Globex's integration."""
    return keys.headers("globex-bridge", "integration", tenant=OTHER_TENANT)


def test_another_tenant_neither_lists_nor_counts_the_cases(
    client: TestClient, acme_case: Json, globex_rep: Headers
) -> None:
    for params in ({}, {"route": "customer_comm"}, {"status": "awaiting_approval"}):
        page = client.get("/v1/cases", params=params, headers=globex_rep).json()
        assert (page["total"], page["cases"], page["next_cursor"]) == (0, [], None)


def test_another_tenant_cannot_read_a_case(
    client: TestClient, acme_case: Json, globex_rep: Headers
) -> None:
    response = client.get(f"/v1/cases/{acme_case['case_id']}", headers=globex_rep)

    error = assert_error(response, 404, "not_found")
    assert WISMO_CONTACT not in response.text
    assert acme_case["case_id"] in error["message"]


def test_another_tenant_cannot_decide_an_approval(
    client: TestClient, acme_case: Json, globex_rep: Headers, integration: Headers, keys: Keys
) -> None:
    approval = the_pending_approval(acme_case)
    globex_case = ingest(client, globex_rep, where_is_my_order("EM-5002"))

    through_acme_case = decide(client, globex_rep, acme_case, approval, "approve")
    through_own_case = decide(client, globex_rep, globex_case, approval, "approve")

    assert_error(through_acme_case, 404, "not_found")
    assert_error(through_own_case, 404, "not_found")
    reread = client.get(
        f"/v1/cases/{acme_case['case_id']}", headers=keys.headers("carla", "cs_rep")
    )
    assert reread.json()["status"] == "awaiting_approval"
    assert the_pending_approval(reread.json())["approval_id"] == approval["approval_id"]


def test_the_same_event_from_another_tenant_is_its_own_case(
    client: TestClient, acme_case: Json, globex_bridge: Headers, reader: Headers
) -> None:
    response = post_events(client, globex_bridge, where_is_my_order("EM-5001"))

    assert response.status_code == 201
    assert response.json()["case_id"] != acme_case["case_id"]
    assert response.json()["tenant_id"] == OTHER_TENANT
    assert client.get("/v1/cases", headers=reader).json()["total"] == 1


def test_another_tenants_event_never_sees_acmes_network(
    client: TestClient, globex_bridge: Headers
) -> None:
    case = ingest(client, globex_bridge, where_is_my_order("EM-5003", order_only=True))

    assert WISMO_CONTACT not in case["draft"]["body"]
    assert WISMO_TRACKING not in case["draft"]["body"]
    enrich = next(d for d in case["decisions"] if d["step"] == "enrich")
    assert enrich["output"]["customer_id"] is None


def test_loading_another_tenants_network_leaves_acmes_alone(
    client: TestClient, globex_bridge: Headers, loaded_desk: ExceptionDesk
) -> None:
    before = loaded_desk.network_counts(TENANT)
    network = network_json()
    small = {**network, "orders": [], "shipments": [], "returns": []}

    response = client.put("/v1/network", json=small, headers=globex_bridge)

    assert response.status_code == 200, response.text
    assert loaded_desk.network_counts(OTHER_TENANT)["orders"] == 0
    assert loaded_desk.network_counts(TENANT) == before


def test_audit_verify_covers_only_the_callers_tenant(
    client: TestClient, acme_case: Json, globex_rep: Headers, keys: Keys
) -> None:
    ingest(client, globex_rep, where_is_my_order("EM-5004"))
    ingest(client, globex_rep, where_is_my_order("EM-5005"))

    acme = client.get("/v1/audit/verify", headers=keys.headers("cora", "compliance")).json()
    globex = client.get("/v1/audit/verify", headers=globex_rep).json()

    assert (acme["ok"], acme["cases"]) == (True, 1)
    assert (globex["ok"], globex["cases"]) == (True, 2)
