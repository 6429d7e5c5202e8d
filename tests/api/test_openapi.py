"""The published OpenAPI document is true: every answer of every route, success or error, is
a status the route declares with a body that matches the schema it declares.

``CALLS`` drives each route through each status it declares; every call's answer is
validated against ``/openapi.json``, and the calls must cover exactly the declared routes
and statuses, so a new route or status without a call fails here.
"""

from __future__ import annotations

import itertools
import json
import re
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any
from urllib.parse import quote

import psycopg
import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from jsonschema import Draft202012Validator
from referencing import Registry
from referencing.jsonschema import DRAFT202012

from exdesk.api.app import create_app
from exdesk.api.rate_limits import RateLimits, TokenBuckets
from exdesk.delivery import SIGNATURE_HEADER, set_inbound_secret, sign
from exdesk.domain import Role
from exdesk.service import ExceptionDesk
from tests.api.support import (
    Headers,
    Json,
    Keys,
    Response,
    carrier_delay,
    decide,
    fetch_case,
    ingest,
    network_json,
    post_events,
    short_pick,
    the_pending_approval,
    where_is_my_order,
)

DOCUMENT_URI = "urn:exception-desk:openapi"
"""Where the registry keeps the document, so ``#/components/...`` resolves inside it."""


@pytest.fixture
def api_desk(shared_desk: ExceptionDesk) -> ExceptionDesk:
    """Every call makes its own cases: the module shares one database."""
    return shared_desk


@pytest.fixture(scope="module")
def app(shared_desk: ExceptionDesk) -> FastAPI:
    """The application under test."""
    return create_app(shared_desk.settings, shared_desk)


@pytest.fixture(scope="module")
def document(app: FastAPI) -> Json:
    """The OpenAPI document as the app publishes it."""
    with TestClient(app) as client:
        response = client.get("/openapi.json")
    assert response.status_code == 200, response.text
    published: Json = response.json()
    return published


def registry_of(document: Json) -> Registry[Any]:
    """The document as a JSON Schema resource its references resolve in."""
    return Registry().with_resources([(DOCUMENT_URI, DRAFT202012.create_resource(document))])


@pytest.fixture(scope="module")
def registry(document: Json) -> Registry[Any]:
    """The published document's registry."""
    return registry_of(document)


@pytest.fixture(scope="module")
def waiting(shared_desk: ExceptionDesk) -> Json:
    """A where-is-my-order case waiting for a CS rep: the refused decisions try it."""
    integration = Keys(shared_desk).headers("wms-bridge", "integration")
    with TestClient(create_app(shared_desk.settings, shared_desk)) as client:
        return ingest(client, integration, where_is_my_order("EM-OAS-WAITING"))


_event_ids = itertools.count(1)


@dataclass
class Scene:
    """A test's client, keys and database, with the cases a call needs."""

    client: TestClient
    keys: Keys
    desk: ExceptionDesk
    waiting: Json
    monkeypatch: pytest.MonkeyPatch

    def as_(self, user: str, *roles: Role) -> Headers:
        """The headers of ``user`` holding ``roles``."""
        return self.keys.headers(user, *roles)

    @property
    def integration(self) -> Headers:
        """The WMS/ERP bridge: ingests, reads nothing."""
        return self.as_("wms-bridge", "integration")

    @property
    def reader(self) -> Headers:
        """An ops planner, who reads cases."""
        return self.as_("olga", "ops")

    def new_wismo(self) -> Json:
        """A new where-is-my-order case waiting for a CS rep to approve the reply."""
        return ingest(self.client, self.integration, where_is_my_order(new_id("EM")))

    @contextmanager
    def database_down(self) -> Iterator[None]:
        """Every connection the desk borrows fails for the block."""

        def unreachable() -> Any:
            raise psycopg.OperationalError("connection refused")

        with self.monkeypatch.context() as patch:
            patch.setattr(self.desk.db, "connection", unreachable)
            yield


def new_id(prefix: str) -> str:
    """An event id no other call uses."""
    return f"{prefix}-OAS-{next(_event_ids)}"


@pytest.fixture
def scene(
    client: TestClient,
    keys: Keys,
    api_desk: ExceptionDesk,
    waiting: Json,
    monkeypatch: pytest.MonkeyPatch,
) -> Scene:
    """What a call acts on."""
    return Scene(client, keys, api_desk, waiting, monkeypatch)


@dataclass(frozen=True)
class Call:
    """One request driving ``method path`` to answer ``status``."""

    method: str
    path: str
    """The route's path as the document names it, e.g. ``/v1/cases/{case_id}``."""
    status: int
    what: str
    send: Callable[[Scene], Response]

    def __str__(self) -> str:
        return f"{self.method} {self.path} {self.status} {self.what}"


# --- the calls, route by route ----------------------------------------------------------


def _healthz_down(scene: Scene) -> Response:
    with scene.database_down():
        return scene.client.get("/healthz")


def _posted_twice(scene: Scene) -> Response:
    event = short_pick(new_id("WMS"))
    assert post_events(scene.client, scene.integration, event).status_code == 201
    return post_events(scene.client, scene.integration, event)


def _resent_with_other_content(scene: Scene) -> Response:
    event = short_pick(new_id("WMS"))
    assert post_events(scene.client, scene.integration, event).status_code == 201
    return post_events(scene.client, scene.integration, {**event, "summary": "picked 3 of 10"})


def _list_posted_twice(scene: Scene) -> Response:
    events = [short_pick(new_id("WMS")), carrier_delay(new_id("CAR"))]
    assert post_events(scene.client, scene.integration, events).status_code == 201
    return post_events(scene.client, scene.integration, events)


def _not_json(scene: Scene) -> Response:
    return scene.client.post(
        "/v1/exceptions",
        content='{"source": "wms", "summary": ',
        headers={**scene.integration, "Content-Type": "application/json"},
    )


def _case_path(case: Json, suffix: str = "") -> str:
    return f"/v1/cases/{case['case_id']}{suffix}"


def _approval_path(case: Json, approval_id: str) -> str:
    return _case_path(case, f"/approvals/{approval_id}")


def _approve(scene: Scene, headers: Headers, case: Json | None = None) -> Response:
    case = case or scene.waiting
    return decide(scene.client, headers, case, the_pending_approval(case), "approve")


def _approved_twice(scene: Scene) -> Response:
    case = scene.new_wismo()
    assert _approve(scene, scene.as_("carla", "cs_rep"), case).status_code == 200
    return _approve(scene, scene.as_("ben", "cs_rep"), case)


def _edit_without_proposal(scene: Scene) -> Response:
    case = scene.waiting
    return decide(
        scene.client, scene.as_("carla", "cs_rep"), case, the_pending_approval(case), "edit"
    )


def _decision_of_another_kind(scene: Scene) -> Response:
    return scene.client.post(
        _approval_path(scene.waiting, the_pending_approval(scene.waiting)["approval_id"]),
        json={"decision": "maybe"},
        headers=scene.as_("carla", "cs_rep"),
    )


def _a_precedent_found(scene: Scene) -> Response:
    closed = scene.new_wismo()
    assert _approve(scene, scene.as_("carla", "cs_rep"), closed).status_code == 200
    response = scene.client.get(_case_path(scene.new_wismo(), "/similar"), headers=scene.reader)
    assert response.json()["precedents"], "the resolved reply is a precedent"
    return response


def _dangling_network(scene: Scene) -> Response:
    network = network_json()
    network["orders"][3]["lines"][0]["sku"] = "ELC-99999"
    return scene.client.put("/v1/network", json=network, headers=scene.integration)


def _down(method: str, url: str, **kwargs: Any) -> Callable[[Scene], Response]:
    """A call made while the database is out of reach (503 with Retry-After)."""

    def send(scene: Scene) -> Response:
        headers = scene.reader
        with scene.database_down():
            response = scene.client.request(method, url, headers=headers, **kwargs)
        assert response.headers.get("retry-after"), "a 503 says when to try again"
        return response

    return send


def _a_dead_letter(scene: Scene) -> str:
    """A customer message that could not be delivered (dead), of a new resolved case."""
    case = scene.new_wismo()
    assert _approve(scene, scene.as_("carla", "cs_rep"), case).status_code == 200
    outbox_id = fetch_case(scene.client, scene.reader, case)["actions"][0]["outbox_id"]
    with scene.desk.db.connection() as conn:
        conn.execute(
            "UPDATE outbox SET status = 'dead', last_error = 'HTTP 500' WHERE outbox_id = %s",
            (outbox_id,),
        )
    return str(outbox_id)


def _replay(scene: Scene, outbox_id: str) -> Response:
    return scene.client.post(f"/v1/outbox/{outbox_id}/replay", headers=scene.as_("olga", "ops"))


def _replayed_twice(scene: Scene) -> Response:
    outbox_id = _a_dead_letter(scene)
    assert _replay(scene, outbox_id).status_code == 200
    return _replay(scene, outbox_id)


WEBHOOK = "/v1/webhooks/{tenant_id}/{source}"
WEBHOOK_SECRET_ENV = "EXDESK_TEST_CARRIER_SECRET"


def _signed(
    scene: Scene, body: bytes, path: str = "/v1/webhooks/acme/carrier", later: float = 0
) -> Response:
    scene.monkeypatch.setenv(WEBHOOK_SECRET_ENV, "carrier-secret")
    with scene.desk.db.connection() as conn:
        set_inbound_secret(conn, "acme", "carrier", WEBHOOK_SECRET_ENV)
    signature = sign(b"carrier-secret", body, now=time.time() + later).header
    headers = {SIGNATURE_HEADER: signature, "Content-Type": "application/json"}
    return scene.client.post(path, content=body, headers=headers)


def _webhook_event(scene: Scene, event: Json | None = None, later: float = 0) -> Response:
    body = json.dumps(event or carrier_delay(new_id("CAR"))).encode()
    return _signed(scene, body, later=later)


def _webhook_again(scene: Scene) -> Response:
    """The partner delivers the same event again, a little later (a new signature)."""
    event = carrier_delay(new_id("CAR"))
    assert _webhook_event(scene, event).status_code == 201
    return _webhook_event(scene, event, later=5)


def _webhook_replayed(scene: Scene) -> Response:
    body = json.dumps(carrier_delay(new_id("CAR"))).encode()
    scene.monkeypatch.setenv(WEBHOOK_SECRET_ENV, "carrier-secret")
    with scene.desk.db.connection() as conn:
        set_inbound_secret(conn, "acme", "carrier", WEBHOOK_SECRET_ENV)
    headers = {SIGNATURE_HEADER: sign(b"carrier-secret", body).header}
    first = scene.client.post("/v1/webhooks/acme/carrier", content=body, headers=headers)
    assert first.status_code == 201, first.text
    return scene.client.post("/v1/webhooks/acme/carrier", content=body, headers=headers)


def _webhook_badly_signed(scene: Scene) -> Response:
    body = json.dumps(carrier_delay(new_id("CAR"))).encode()
    headers = {SIGNATURE_HEADER: sign(b"not-the-secret", body).header}
    return scene.client.post("/v1/webhooks/acme/carrier", content=body, headers=headers)


def _webhook_of_another_source(scene: Scene) -> Response:
    return _webhook_event(scene, short_pick(new_id("WMS")))


GHOST_CASE = "/v1/cases/case_000000000000000000000000"
_UNKNOWN_KEY = {"Authorization": "Bearer exd_000000000000_thisSecretWasNeverIssued"}
CASES = "/v1/cases"
CASE = "/v1/cases/{case_id}"
DECISION = "/v1/cases/{case_id}/approvals/{approval_id}"
SIMILAR = "/v1/cases/{case_id}/similar"
OUTBOX = "/v1/outbox"
REPLAY = "/v1/outbox/{outbox_id}/replay"

CALLS = [
    Call("GET", "/healthz", 200, "up", lambda s: s.client.get("/healthz")),
    Call("GET", "/healthz", 503, "database down", _healthz_down),
    Call(
        "POST",
        "/v1/exceptions",
        201,
        "one event",
        lambda s: post_events(s.client, s.integration, short_pick(new_id("WMS"))),
    ),
    Call(
        "POST",
        "/v1/exceptions",
        201,
        "a list",
        lambda s: post_events(
            s.client, s.integration, [short_pick(new_id("WMS")), carrier_delay(new_id("CAR"))]
        ),
    ),
    Call("POST", "/v1/exceptions", 200, "one event again", _posted_twice),
    Call("POST", "/v1/exceptions", 200, "a list again", _list_posted_twice),
    Call("POST", "/v1/exceptions", 409, "same id, other content", _resent_with_other_content),
    Call(
        "POST",
        "/v1/exceptions",
        401,
        "no key",
        lambda s: post_events(s.client, {}, short_pick(new_id("WMS"))),
    ),
    Call(
        "POST",
        "/v1/exceptions",
        403,
        "finance",
        lambda s: post_events(s.client, s.as_("fiona", "finance"), short_pick(new_id("WMS"))),
    ),
    Call(
        "POST",
        "/v1/exceptions",
        422,
        "a bad field",
        lambda s: post_events(
            s.client, s.integration, {**short_pick(new_id("WMS")), "source": "fax"}
        ),
    ),
    Call("POST", "/v1/exceptions", 422, "not JSON", _not_json),
    Call(
        "GET",
        CASES,
        200,
        "summaries",
        lambda s: s.client.get(CASES, params={"limit": 2}, headers=s.reader),
    ),
    Call("GET", CASES, 401, "unknown key", lambda s: s.client.get(CASES, headers=_UNKNOWN_KEY)),
    Call("GET", CASES, 403, "integration", lambda s: s.client.get(CASES, headers=s.integration)),
    Call(
        "GET",
        CASES,
        422,
        "limit 0",
        lambda s: s.client.get(CASES, params={"limit": 0}, headers=s.reader),
    ),
    Call(
        "GET",
        CASES,
        422,
        "bad cursor",
        lambda s: s.client.get(CASES, params={"cursor": "not a cursor!"}, headers=s.reader),
    ),
    Call(
        "GET", CASE, 200, "a case", lambda s: s.client.get(_case_path(s.waiting), headers=s.reader)
    ),
    Call("GET", CASE, 401, "no key", lambda s: s.client.get(_case_path(s.waiting))),
    Call(
        "GET",
        CASE,
        403,
        "integration",
        lambda s: s.client.get(_case_path(s.waiting), headers=s.integration),
    ),
    Call("GET", CASE, 404, "unknown", lambda s: s.client.get(GHOST_CASE, headers=s.reader)),
    Call(
        "POST",
        DECISION,
        200,
        "approve",
        lambda s: _approve(s, s.as_("carla", "cs_rep"), s.new_wismo()),
    ),
    Call("POST", DECISION, 401, "no key", lambda s: _approve(s, {})),
    Call("POST", DECISION, 403, "integration", lambda s: _approve(s, s.integration)),
    Call("POST", DECISION, 403, "not the approval's role", lambda s: _approve(s, s.reader)),
    Call(
        "POST",
        DECISION,
        404,
        "unknown approval",
        lambda s: s.client.post(
            _approval_path(s.waiting, "apr_00000000000000000000"),
            json={"decision": "approve"},
            headers=s.as_("carla", "cs_rep"),
        ),
    ),
    Call("POST", DECISION, 409, "decided twice", _approved_twice),
    Call("POST", DECISION, 422, "unknown decision", _decision_of_another_kind),
    Call("POST", DECISION, 422, "edit without a proposal", _edit_without_proposal),
    Call(
        "PUT",
        "/v1/network",
        200,
        "the example network",
        lambda s: s.client.put("/v1/network", json=network_json(), headers=s.integration),
    ),
    Call(
        "PUT",
        "/v1/network",
        401,
        "no key",
        lambda s: s.client.put("/v1/network", json=network_json()),
    ),
    Call(
        "PUT",
        "/v1/network",
        403,
        "ops",
        lambda s: s.client.put("/v1/network", json=network_json(), headers=s.reader),
    ),
    Call("PUT", "/v1/network", 422, "dangling sku", _dangling_network),
    Call(
        "PUT",
        "/v1/network",
        409,
        "an empty snapshot would delete the network",
        lambda s: s.client.put("/v1/network", json={}, headers=s.integration),
    ),
    Call(
        "GET",
        "/v1/audit/verify",
        200,
        "compliance",
        lambda s: s.client.get("/v1/audit/verify", headers=s.as_("cora", "compliance")),
    ),
    Call("GET", "/v1/audit/verify", 401, "no key", lambda s: s.client.get("/v1/audit/verify")),
    Call(
        "GET",
        "/v1/audit/verify",
        403,
        "ops",
        lambda s: s.client.get("/v1/audit/verify", headers=s.reader),
    ),
    Call("GET", SIMILAR, 200, "a precedent", _a_precedent_found),
    Call("GET", SIMILAR, 401, "no key", lambda s: s.client.get(_case_path(s.waiting, "/similar"))),
    Call(
        "GET",
        SIMILAR,
        403,
        "integration",
        lambda s: s.client.get(_case_path(s.waiting, "/similar"), headers=s.integration),
    ),
    Call(
        "GET",
        SIMILAR,
        404,
        "unknown case",
        lambda s: s.client.get(f"{GHOST_CASE}/similar", headers=s.reader),
    ),
    Call(
        "GET",
        SIMILAR,
        422,
        "k 0",
        lambda s: s.client.get(
            _case_path(s.waiting, "/similar"), params={"k": 0}, headers=s.reader
        ),
    ),
    Call("POST", "/v1/exceptions", 503, "database down", _down("POST", "/v1/exceptions", json={})),
    Call("GET", CASES, 503, "database down", _down("GET", CASES)),
    Call("GET", CASE, 503, "database down", _down("GET", GHOST_CASE)),
    Call(
        "POST",
        DECISION,
        503,
        "database down",
        _down("POST", f"{GHOST_CASE}/approvals/apr_1", json={"decision": "approve"}),
    ),
    Call("PUT", "/v1/network", 503, "database down", _down("PUT", "/v1/network", json={})),
    Call("GET", "/v1/audit/verify", 503, "database down", _down("GET", "/v1/audit/verify")),
    Call(
        "GET",
        "/v1/audit/checkpoint",
        200,
        "compliance",
        lambda s: s.client.get("/v1/audit/checkpoint", headers=s.as_("cora", "compliance")),
    ),
    Call(
        "GET", "/v1/audit/checkpoint", 401, "no key", lambda s: s.client.get("/v1/audit/checkpoint")
    ),
    Call(
        "GET",
        "/v1/audit/checkpoint",
        403,
        "ops",
        lambda s: s.client.get("/v1/audit/checkpoint", headers=s.reader),
    ),
    Call("GET", "/v1/audit/checkpoint", 503, "database down", _down("GET", "/v1/audit/checkpoint")),
    Call(
        "GET",
        "/v1/audit/records",
        200,
        "compliance",
        lambda s: s.client.get(
            "/v1/audit/records", params={"step": "intake"}, headers=s.as_("cora", "compliance")
        ),
    ),
    Call("GET", "/v1/audit/records", 401, "no key", lambda s: s.client.get("/v1/audit/records")),
    Call(
        "GET",
        "/v1/audit/records",
        403,
        "ops",
        lambda s: s.client.get("/v1/audit/records", headers=s.reader),
    ),
    Call(
        "GET",
        "/v1/audit/records",
        422,
        "not a time",
        lambda s: s.client.get(
            "/v1/audit/records", params={"since": "yesterday"}, headers=s.as_("cora", "compliance")
        ),
    ),
    Call("GET", "/v1/audit/records", 503, "database down", _down("GET", "/v1/audit/records")),
    Call(
        "GET",
        "/v1/audit/records/export",
        200,
        "compliance",
        lambda s: s.client.get(
            "/v1/audit/records/export",
            params={"format": "csv"},
            headers=s.as_("cora", "compliance"),
        ),
    ),
    Call(
        "GET",
        "/v1/audit/records/export",
        401,
        "no key",
        lambda s: s.client.get("/v1/audit/records/export"),
    ),
    Call(
        "GET",
        "/v1/audit/records/export",
        403,
        "ops",
        lambda s: s.client.get("/v1/audit/records/export", headers=s.reader),
    ),
    Call(
        "GET",
        "/v1/audit/records/export",
        422,
        "not a time",
        lambda s: s.client.get(
            "/v1/audit/records/export",
            params={"since": "yesterday"},
            headers=s.as_("cora", "compliance"),
        ),
    ),
    Call(
        "GET",
        "/v1/audit/records/export",
        503,
        "database down",
        _down("GET", "/v1/audit/records/export"),
    ),
    Call("GET", SIMILAR, 503, "database down", _down("GET", f"{GHOST_CASE}/similar")),
    Call(
        "GET",
        OUTBOX,
        200,
        "dead letters",
        lambda s: s.client.get(OUTBOX, params={"status": "dead"}, headers=s.as_("olga", "ops")),
    ),
    Call("GET", OUTBOX, 401, "no key", lambda s: s.client.get(OUTBOX)),
    Call(
        "GET",
        OUTBOX,
        403,
        "cs_rep",
        lambda s: s.client.get(OUTBOX, headers=s.as_("carla", "cs_rep")),
    ),
    Call(
        "GET",
        OUTBOX,
        422,
        "unknown status",
        lambda s: s.client.get(OUTBOX, params={"status": "lost"}, headers=s.as_("olga", "ops")),
    ),
    Call("GET", OUTBOX, 503, "database down", _down("GET", OUTBOX)),
    Call("POST", REPLAY, 200, "a dead letter", lambda s: _replay(s, _a_dead_letter(s))),
    Call("POST", REPLAY, 401, "no key", lambda s: s.client.post("/v1/outbox/obx_1/replay")),
    Call(
        "POST",
        REPLAY,
        403,
        "cs_rep",
        lambda s: s.client.post("/v1/outbox/obx_1/replay", headers=s.as_("carla", "cs_rep")),
    ),
    Call("POST", REPLAY, 404, "unknown", lambda s: _replay(s, "obx_00000000000000000000")),
    Call("POST", REPLAY, 409, "replayed twice", _replayed_twice),
    Call("POST", REPLAY, 503, "database down", _down("POST", "/v1/outbox/obx_1/replay")),
    Call("POST", WEBHOOK, 201, "a signed event", _webhook_event),
    Call("POST", WEBHOOK, 200, "a signed event again", _webhook_again),
    Call("POST", WEBHOOK, 401, "a wrong signature", _webhook_badly_signed),
    Call("POST", WEBHOOK, 409, "a replay", _webhook_replayed),
    Call("POST", WEBHOOK, 422, "another source's event", _webhook_of_another_source),
    Call("POST", WEBHOOK, 503, "database down", _down("POST", "/v1/webhooks/acme/carrier")),
]


def _limited(method: str, url: str) -> Callable[[Scene], Response]:
    """A second call with a key whose bucket holds one request (429 with Retry-After)."""

    def send(scene: Scene) -> Response:
        tight = RateLimits(TokenBuckets(0.01, 1), TokenBuckets(1.0, 1000))
        scene.monkeypatch.setattr(scene.client.app.state, "rate_limits", tight)  # type: ignore[attr-defined]
        headers = scene.as_("limited-user", "ops")
        scene.client.request(method, url, headers=headers)
        response = scene.client.request(method, url, headers=headers)
        assert response.headers.get("retry-after"), "a 429 says when to try again"
        return response

    return send


def _too_large(method: str, url: str) -> Callable[[Scene], Response]:
    """A body declared larger than the service reads (413 before reading it)."""

    def send(scene: Scene) -> Response:
        headers = {**scene.reader, "content-type": "application/json"}
        headers["content-length"] = str(scene.desk.settings.max_body_bytes + 1)
        return scene.client.request(method, url, headers=headers, content=b"{}")

    return send


KEYED_ROUTES = [
    ("POST", "/v1/exceptions", "/v1/exceptions"),
    ("GET", CASES, CASES),
    ("GET", CASE, GHOST_CASE),
    ("POST", DECISION, f"{GHOST_CASE}/approvals/apr_1"),
    ("GET", SIMILAR, f"{GHOST_CASE}/similar"),
    ("PUT", "/v1/network", "/v1/network"),
    ("GET", "/v1/audit/verify", "/v1/audit/verify"),
    ("GET", "/v1/audit/checkpoint", "/v1/audit/checkpoint"),
    ("GET", OUTBOX, OUTBOX),
    ("POST", REPLAY, "/v1/outbox/obx_1/replay"),
]
BODY_ROUTES = [
    ("POST", "/v1/exceptions", "/v1/exceptions"),
    ("POST", DECISION, f"{GHOST_CASE}/approvals/apr_1"),
    ("PUT", "/v1/network", "/v1/network"),
    ("POST", REPLAY, "/v1/outbox/obx_1/replay"),
    ("POST", WEBHOOK, "/v1/webhooks/acme/carrier"),
]
CALLS += [
    Call(m, path, 429, "over the key's rate", _limited(m, url)) for m, path, url in KEYED_ROUTES
]
CALLS += [Call(m, path, 413, "body too large", _too_large(m, url)) for m, path, url in BODY_ROUTES]
CALLS += [
    Call(
        "GET",
        CASE,
        422,
        "NUL in the case id",
        lambda s: s.client.get("/v1/cases/case%00x", headers=s.reader),
    ),
    Call(
        "POST",
        REPLAY,
        422,
        "NUL in the outbox id",
        lambda s: s.client.post("/v1/outbox/obx%00/replay", headers=s.as_("olga", "ops")),
    ),
]

# --- validation against the document ----------------------------------------------------


def _pointer(*parts: str) -> str:
    return "/".join(quote(p.replace("~", "~0").replace("/", "~1"), safe="~") for p in parts)


def operation_of(document: Json, method: str, url_path: str) -> str:
    """The path (as the document names it) whose operation served ``method url_path``."""
    for path, item in document["paths"].items():
        pattern = "^" + re.sub(r"\{[^/}]+\}", "[^/]+", path) + "$"
        if re.match(pattern, url_path) and method.lower() in item:
            return str(path)
    raise AssertionError(f"the document has no operation for {method} {url_path}")


def problems_with(document: Json, registry: Registry[Any], answer: Response) -> list[str]:
    """How ``answer`` departs from what the document declares for its route and status."""
    method = answer.request.method
    path = operation_of(document, method, answer.request.url.path)
    declared = document["paths"][path][method.lower()]["responses"]
    status = str(answer.status_code)
    if status not in declared:
        return [f"{method} {path} answered {status}; it declares only {sorted(declared)}"]
    media_type = answer.headers["content-type"].split(";")[0]
    if media_type not in declared[status].get("content", {}):
        return [f"{method} {path} {status} answered {media_type}, which it does not declare"]
    where = _pointer("paths", path, method.lower(), "responses", status, "content", media_type)
    schema = {"$ref": f"{DOCUMENT_URI}#/{where}/schema"}
    validator = Draft202012Validator(schema, registry=registry)
    # a download (JSON Lines, CSV) is a document of its own: its schema is a string
    body = answer.json() if media_type == "application/json" else answer.text
    return [
        f"{method} {path} {status} at {error.json_path}: {error.message}"
        for error in validator.iter_errors(body)
    ]


@pytest.mark.parametrize("call", CALLS, ids=str)
def test_the_answer_is_declared_and_matches_its_schema(
    call: Call, scene: Scene, document: Json, registry: Registry[Any]
) -> None:
    answer = call.send(scene)

    assert answer.status_code == call.status, answer.text
    assert operation_of(document, answer.request.method, answer.request.url.path) == call.path
    assert problems_with(document, registry, answer) == []


def test_every_route_and_every_status_it_declares_has_a_call(app: FastAPI, document: Json) -> None:
    declared = {
        (method.upper(), path, int(status))
        for path, item in document["paths"].items()
        for method, operation in item.items()
        for status in operation["responses"]
    }
    routes = [context.original_route for context in iter_route_contexts(app.routes)]
    operations = {
        (method, route.path)
        for route in routes
        if isinstance(route, APIRoute)
        for method in route.methods or ()
    }
    fastapis_own = {
        app.openapi_url,
        app.docs_url,
        app.redoc_url,
        app.swagger_ui_oauth2_redirect_url,
    }

    called = {(call.method, call.path, call.status) for call in CALLS}

    assert called == declared
    assert {(method, path) for method, path, _ in called} == operations
    assert {getattr(r, "path", None) for r in routes if not isinstance(r, APIRoute)} <= fastapis_own


def test_a_status_the_route_does_not_declare_is_caught(
    scene: Scene, document: Json, registry: Registry[Any]
) -> None:
    answer = scene.client.get("/v1/audit/verify", headers=scene.reader)
    assert answer.status_code == 403
    undeclared = {**document["paths"]["/v1/audit/verify"]["get"]["responses"]}
    del undeclared["403"]
    doctored = {
        **document,
        "paths": {**document["paths"], "/v1/audit/verify": {"get": {"responses": undeclared}}},
    }

    [problem] = problems_with(doctored, registry, answer)

    assert "answered 403" in problem


def test_a_body_unlike_its_schema_is_caught(
    scene: Scene, document: Json, registry: Registry[Any]
) -> None:
    answer = scene.client.get("/healthz")
    schemas = {
        **document["components"]["schemas"],
        "HealthReport": {"type": "object", "required": ["uptime"]},
    }
    doctored = registry_of({**document, "components": {"schemas": schemas}})

    [problem] = problems_with(document, doctored, answer)

    assert "'uptime' is a required property" in problem


# --- request bodies ---------------------------------------------------------------------


def request_schema_validator(
    document: Json, registry: Registry[Any], method: str, path: str
) -> Any:
    """A validator of the request body ``method path`` publishes."""
    where = _pointer("paths", path, method.lower(), "requestBody", "content", "application/json")
    return Draft202012Validator({"$ref": f"{DOCUMENT_URI}#/{where}/schema"}, registry=registry)


def test_the_published_request_bodies_describe_what_the_routes_take(
    document: Json, registry: Registry[Any]
) -> None:
    events = request_schema_validator(document, registry, "POST", "/v1/exceptions")
    network = request_schema_validator(document, registry, "PUT", "/v1/network")

    assert events.is_valid(short_pick("WMS-1"))
    assert events.is_valid([short_pick("WMS-1"), carrier_delay("CAR-2")])
    assert not events.is_valid([])
    assert not events.is_valid([short_pick(f"WMS-{i}") for i in range(501)])
    assert not events.is_valid("a short pick")
    assert not events.is_valid({**short_pick("WMS-1"), "source": "fax"})
    assert network.is_valid(network_json())
    assert not network.is_valid({**network_json(), "depots": []})
    assert document["paths"]["/v1/exceptions"]["post"]["requestBody"]["required"] is True
