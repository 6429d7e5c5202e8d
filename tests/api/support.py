"""Shared helpers of the API tests: keys per user and role, realistic events, approval calls."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Protocol

from fastapi.testclient import TestClient

from exdesk.domain import Role
from exdesk.service import ExceptionDesk

TENANT = "acme"
OTHER_TENANT = "globex"
NETWORK_FILE = Path(__file__).resolve().parents[2] / "examples" / "network.json"

WISMO_ORDER = "SO-104117"
"""An order of the example network with a shipment in transit, for customer C-103130."""
WISMO_CUSTOMER = "C-103130"
WISMO_CONTACT = "Tanya Bishop"
"""The contact of ``WISMO_CUSTOMER``: a draft that greets her used the network."""
WISMO_CONTACT_EMAIL = "tanya.bishop@prairie-tool.example.com"
"""Her e-mail address on file: where every reply about ``WISMO_ORDER`` goes."""
WISMO_TRACKING = "1Z8V4E270296923450"
"""The tracking number of ``WISMO_ORDER``'s shipment in the example network."""

Json = dict[str, Any]
Headers = dict[str, str]


class SentRequest(Protocol):
    """What the tests read of the request a response answers."""

    @property
    def method(self) -> str: ...

    @property
    def url(self) -> Any: ...


class Response(Protocol):
    """What the tests read of a TestClient response (whichever httpx Starlette uses)."""

    @property
    def status_code(self) -> int: ...

    @property
    def headers(self) -> Mapping[str, str]: ...

    @property
    def request(self) -> SentRequest: ...

    @property
    def text(self) -> str: ...

    def json(self, **kwargs: Any) -> Any: ...


class Keys:
    """Creates API keys through the desk and answers the request headers that carry them."""

    def __init__(self, desk: ExceptionDesk) -> None:
        self._desk = desk
        self._made: dict[tuple[str, str, tuple[Role, ...]], str] = {}

    def key(self, user: str, *roles: Role, tenant: str = TENANT) -> str:
        """The full key of ``user`` in ``tenant`` with ``roles`` (created once)."""
        wanted = (tenant, user, tuple(sorted(roles)))
        if wanted not in self._made:
            _, full_key = self._desk.create_api_key(tenant, user, list(roles))
            self._made[wanted] = full_key
        return self._made[wanted]

    def headers(self, user: str, *roles: Role, tenant: str = TENANT) -> Headers:
        """``Authorization: Bearer <key>`` for that user."""
        return {"Authorization": f"Bearer {self.key(user, *roles, tenant=tenant)}"}


def network_json() -> Json:
    """The example network as a plain JSON document (a fresh copy each call)."""
    document: Json = json.loads(NETWORK_FILE.read_text())
    return document


def _event(source: str, event_id: str, summary: str, **fields: Any) -> Json:
    return {
        "source": source,
        "source_event_id": event_id,
        "occurred_at": "2026-11-10T08:15:00-05:00",
        "summary": summary,
        **fields,
    }


def short_pick(event_id: str, *, picked: int = 4) -> Json:
    """A WMS short pick on a line of ``WISMO_ORDER``."""
    return _event(
        "wms",
        event_id,
        f"Short pick on {WISMO_ORDER} line 3: PPE-20501 requested 10, picked {picked} at DC-PHL",
        order_id=WISMO_ORDER,
        sku="PPE-20501",
        warehouse_id="DC-PHL",
        attributes={"requested_qty": 10, "picked_qty": picked, "line_no": 3},
    )


def where_is_my_order(event_id: str, *, order_only: bool = False) -> Json:
    """A customer e-mail asking where ``WISMO_ORDER`` is; ``order_only`` leaves the customer
    to be found through the order in the network."""
    references: Json = {"order_id": WISMO_ORDER}
    if not order_only:
        references["customer_id"] = WISMO_CUSTOMER
    return _event(
        "email",
        event_id,
        f"Where is my order {WISMO_ORDER}? It has not arrived yet and we need it on site.",
        **references,
    )


def unreferenced_email(event_id: str) -> Json:
    """A forwarded e-mail with no order, shipment or customer reference at all."""
    return _event(
        "email",
        event_id,
        "Hello, where is my order? I have been waiting for a week and nobody answers.",
    )


def credit_hold(event_id: str) -> Json:
    """An ERP credit hold on ``WISMO_ORDER``."""
    return _event(
        "erp",
        event_id,
        f"Order {WISMO_ORDER} placed on credit hold: customer over credit limit",
        order_id=WISMO_ORDER,
        customer_id=WISMO_CUSTOMER,
    )


def carrier_delay(event_id: str) -> Json:
    """A carrier's weather delay on shipment SH-88207 of order SO-104108."""
    return _event(
        "carrier",
        event_id,
        "Shipment SH-88207 delayed in transit due to weather at the Louisville hub",
        shipment_id="SH-88207",
        order_id="SO-104108",
    )


def lost_shipment(event_id: str) -> Json:
    """Shipment SH-88207 of order SO-104108 declared lost: its reship (new goods at cost plus
    freight) is over the auto-approve limit, so ops must approve it."""
    return _event(
        "carrier",
        event_id,
        "Shipment SH-88207 declared lost in transit by the carrier after a failed trace; "
        "claim opened",
        shipment_id="SH-88207",
        order_id="SO-104108",
    )


def pending_approvals(case: Json) -> list[Json]:
    """The approvals of a case still waiting for a decision."""
    return [a for a in case["approvals"] if a["status"] == "pending"]


def the_pending_approval(case: Json) -> Json:
    """The one approval a case waits for."""
    pending = pending_approvals(case)
    assert len(pending) == 1, f"expected one pending approval, got {pending}"
    return pending[0]


def fetch_case(client: TestClient, headers: Headers, case: Json) -> Json:
    """The case as it stands now."""
    response = client.get(f"/v1/cases/{case['case_id']}", headers=headers)
    assert response.status_code == 200, response.text
    fetched: Json = response.json()
    return fetched


def decide(
    client: TestClient,
    headers: Headers,
    case: Json,
    approval: Json,
    decision: str,
    **extra: Any,
) -> Response:
    """POST a decision on ``approval`` of ``case``."""
    return client.post(
        f"/v1/cases/{case['case_id']}/approvals/{approval['approval_id']}",
        json={"decision": decision, **extra},
        headers=headers,
    )


def post_events(client: TestClient, headers: Headers, body: Json | Sequence[Json]) -> Response:
    """POST one event or a list of events."""
    return client.post("/v1/exceptions", json=body, headers=headers)


def ingest(client: TestClient, headers: Headers, event: Json) -> Json:
    """POST one new event and answer its case (asserting it was created)."""
    response = post_events(client, headers, event)
    assert response.status_code == 201, response.text
    case: Json = response.json()
    return case


def assert_error(response: Response, status: int, code: str) -> Json:
    """The response is the API's JSON error with that status and code; answer its body."""
    assert response.status_code == status, response.text
    error: Json = response.json()["error"]
    assert error["code"] == code
    assert isinstance(error["message"], str)
    assert error["message"]
    assert "location" in error
    return error


class StatementLog:
    """The SQL statements executed, in any thread, while the log is recording."""

    def __init__(self) -> None:
        self.statements: list[str] = []
        self._recording = False
        self._lock = threading.Lock()

    def note(self, query: object) -> None:
        """Count one statement, if recording."""
        if self._recording:
            with self._lock:
                self.statements.append(str(query))

    @contextmanager
    def recording(self) -> Iterator[list[str]]:
        """Record the statements of the block into a fresh list."""
        self.statements = []
        self._recording = True
        try:
            yield self.statements
        finally:
            self._recording = False
