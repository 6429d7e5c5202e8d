"""PUT /v1/network: replace the tenant's reference data, all or nothing."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fastapi.testclient import TestClient

from exdesk.service import ExceptionDesk
from tests.api.support import (
    OTHER_TENANT,
    TENANT,
    WISMO_CONTACT,
    WISMO_ORDER,
    Headers,
    Json,
    assert_error,
    ingest,
    network_json,
    where_is_my_order,
)


def without_wismo_order(network: Json) -> Json:
    """The network minus ``WISMO_ORDER`` and what refers to it."""
    return {
        **network,
        "orders": [o for o in network["orders"] if o["order_id"] != WISMO_ORDER],
        "shipments": [s for s in network["shipments"] if s["order_id"] != WISMO_ORDER],
        "returns": [r for r in network["returns"] if r["order_id"] != WISMO_ORDER],
    }


def counts_of(network: Json) -> dict[str, int]:
    """How many objects of each kind a snapshot document holds."""
    return {kind: len(items) for kind, items in network.items()}


def greets_the_wismo_contact(client: TestClient, integration: Headers, event_id: str) -> bool:
    """Whether a reply drafted for a WISMO e-mail naming only the order found the order's
    customer, which only the network can tell."""
    case = ingest(client, integration, where_is_my_order(event_id, order_only=True))
    assert case["draft"] is not None, case["classification"]
    body: str = case["draft"]["body"]
    return WISMO_CONTACT in body


def test_a_valid_snapshot_answers_the_counts_loaded(
    client: TestClient, integration: Headers, loaded_desk: ExceptionDesk
) -> None:
    network = network_json()

    response = client.put("/v1/network", json=network, headers=integration)

    assert response.status_code == 200, response.text
    assert response.json() == {"loaded": counts_of(network)}
    assert loaded_desk.network_counts(TENANT) == counts_of(network)


def test_an_empty_snapshot_changes_nothing_and_says_what_it_would_delete(
    client: TestClient, integration: Headers, loaded_desk: ExceptionDesk
) -> None:
    before = loaded_desk.network_counts(TENANT)

    response = client.put("/v1/network", json={}, headers=integration)

    assert_error(response, 409, "conflict")
    message = response.json()["error"]["message"]
    assert f"{before['orders']} orders" in message
    assert "replace=true" in message
    assert loaded_desk.network_counts(TENANT) == before
    assert greets_the_wismo_contact(client, integration, "EM-4000")


def test_a_snapshot_that_drops_one_order_names_it_and_keeps_it(
    client: TestClient, integration: Headers, loaded_desk: ExceptionDesk
) -> None:
    smaller = without_wismo_order(network_json())

    response = client.put("/v1/network", json=smaller, headers=integration)

    assert_error(response, 409, "conflict")
    assert WISMO_ORDER in response.json()["error"]["message"]
    assert greets_the_wismo_contact(client, integration, "EM-4003")


def test_the_same_network_again_needs_no_flag(
    client: TestClient, integration: Headers, loaded_desk: ExceptionDesk
) -> None:
    response = client.put("/v1/network", json=network_json(), headers=integration)

    assert response.status_code == 200, response.text


def test_a_snapshot_replaces_the_network_when_asked_to(
    client: TestClient, integration: Headers, loaded_desk: ExceptionDesk
) -> None:
    assert greets_the_wismo_contact(client, integration, "EM-4001")
    smaller = without_wismo_order(network_json())

    response = client.put("/v1/network?replace=true", json=smaller, headers=integration)

    assert response.status_code == 200, response.text
    assert loaded_desk.network_counts(TENANT)["orders"] == len(smaller["orders"])
    assert not greets_the_wismo_contact(client, integration, "EM-4002")


def test_a_dangling_reference_is_422_and_leaves_the_network_as_it_was(
    client: TestClient, integration: Headers, loaded_desk: ExceptionDesk
) -> None:
    before = loaded_desk.network_counts(TENANT)
    broken = without_wismo_order(network_json())
    broken["orders"][3]["lines"][0]["sku"] = "ELC-99999"

    response = client.put("/v1/network", json=broken, headers=integration)

    error = assert_error(response, 422, "invalid_request")
    assert "orders[3].lines[0].sku" in error["message"]
    assert "ELC-99999" in error["message"]
    assert loaded_desk.network_counts(TENANT) == before
    assert greets_the_wismo_contact(client, integration, "EM-4003"), "the old network is in use"


def _dangling_sku(network: Json) -> Json:
    network["orders"][3]["lines"][0]["sku"] = "ELC-99999"
    return network


def _text_quantity(network: Json) -> Json:
    network["orders"][3]["lines"][0]["qty"] = "a dozen"
    return network


@pytest.mark.parametrize(
    ("breaks", "location"),
    [(_dangling_sku, "orders[3].lines[0].sku"), (_text_quantity, "orders[3].lines[0].qty")],
    ids=["dangling-reference", "wrong-type"],
)
def test_a_snapshot_error_is_located_at_the_object_and_field(
    client: TestClient, integration: Headers, breaks: Callable[[Json], Json], location: str
) -> None:
    response = client.put("/v1/network", json=breaks(network_json()), headers=integration)

    error = assert_error(response, 422, "invalid_request")
    assert error["location"] == location


def test_duplicate_identifiers_are_422(client: TestClient, integration: Headers) -> None:
    network = network_json()
    network["skus"].append(dict(network["skus"][0]))

    error = assert_error(
        client.put("/v1/network", json=network, headers=integration), 422, "invalid_request"
    )

    assert network["skus"][0]["sku"] in error["message"]
    assert "appears 2 times" in error["message"]


def test_objects_of_another_tenant_are_refused_by_index(
    client: TestClient, integration: Headers, loaded_desk: ExceptionDesk
) -> None:
    before = loaded_desk.network_counts(TENANT)
    network = network_json()
    network["warehouses"][1]["tenant_id"] = OTHER_TENANT

    response = client.put("/v1/network", json=network, headers=integration)

    error = assert_error(response, 422, "invalid_request")
    assert error["location"] == "warehouses[1].tenant_id"
    assert loaded_desk.network_counts(TENANT) == before


def test_objects_naming_the_callers_tenant_are_accepted(
    client: TestClient, integration: Headers
) -> None:
    network = network_json()
    network["warehouses"][1]["tenant_id"] = TENANT

    assert client.put("/v1/network", json=network, headers=integration).status_code == 200


def test_an_unknown_collection_is_422(client: TestClient, integration: Headers) -> None:
    network = {**network_json(), "depots": []}

    error = assert_error(
        client.put("/v1/network", json=network, headers=integration), 422, "invalid_request"
    )

    assert error["location"] == "depots"
