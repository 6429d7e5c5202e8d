"""Rate limits: a key over its rate, and an address sending bad keys, get 429 with
``Retry-After`` in the JSON error shape; revoking a key takes effect on its next request."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from fastapi.testclient import TestClient

from exdesk.api.app import create_app
from exdesk.service import ExceptionDesk
from tests.api.support import Keys, assert_error


@pytest.fixture
def api_desk(shared_desk: ExceptionDesk) -> ExceptionDesk:
    """Only reads: one database for the module."""
    return shared_desk


@pytest.fixture
def tight(api_desk: ExceptionDesk) -> Iterator[TestClient]:
    """The API with a burst of 3 requests per key and 5 failed authentications a minute."""
    settings = api_desk.settings.model_copy(
        update={"rate_limit_burst": 3, "rate_limit_per_second": 0.5, "failed_auth_per_minute": 5}
    )
    with TestClient(create_app(settings, api_desk)) as client:
        yield client


def test_a_key_over_its_rate_gets_429_and_another_key_does_not(
    tight: TestClient, keys: Keys
) -> None:
    busy, calm = keys.headers("busy", "ops"), keys.headers("calm", "ops")
    answers = [tight.get("/v1/cases", headers=busy).status_code for _ in range(3)]

    limited = tight.get("/v1/cases", headers=busy)

    assert answers == [200, 200, 200]
    assert_error(limited, 429, "rate_limited")
    assert 1 <= int(limited.headers["Retry-After"]) <= 2
    assert tight.get("/v1/cases", headers=calm).status_code == 200


def test_an_address_sending_bad_keys_is_slowed_down_even_with_a_good_one(
    tight: TestClient, keys: Keys
) -> None:
    bad = [
        tight.get("/v1/cases", headers={"Authorization": f"Bearer exd_{i:012x}_nope"})
        for i in range(5)
    ]

    after = tight.get("/v1/cases", headers=keys.headers("olga", "ops"))

    assert {answer.status_code for answer in bad} == {401}
    assert_error(after, 429, "rate_limited")
    assert int(after.headers["Retry-After"]) >= 1


def test_a_revoked_key_is_refused_on_the_next_request(
    client: TestClient, api_desk: ExceptionDesk
) -> None:
    key_id, key = api_desk.create_api_key("acme", "rita", ["cs_rep"])
    headers = {"Authorization": f"Bearer {key}"}
    assert client.get("/v1/cases", headers=headers).status_code == 200

    api_desk.revoke_api_key("acme", key_id)

    assert_error(client.get("/v1/cases", headers=headers), 401, "unauthenticated")


def test_a_key_that_is_no_key_at_all_is_401_not_a_database_error(client: TestClient) -> None:
    for presented in ("exd_ab'c_def", "exd_" + "a" * 5000 + "_x", "exd_a%00_x"):
        answer = client.get("/v1/cases", headers={"X-API-Key": presented})
        assert_error(answer, 401, "unauthenticated")
