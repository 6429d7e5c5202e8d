"""Delivering outbox messages through a tenant's webhook: signed, keyed, retried with
backoff, dead after the last attempt, replayed by a person — each outcome recorded on the
message and (when final) in the case's chain."""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import UTC, datetime

import pytest

from exdesk.delivery import (
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    Dispatcher,
    RetrySchedule,
    WebhookConfig,
    set_connector,
    verify,
)
from exdesk.domain import DeliverStep, NetworkSnapshot, OutboxMessage, ReplayStep
from exdesk.errors import ConflictError
from exdesk.service import ExceptionDesk
from tests.support.receivers import WebhookReceiver, webhook_receiver
from tests.support.scenarios import open_orders, status_question
from tests.support.typed import output_of
from tests.workflows.conftest import TENANT, approve_everything, first_stop

SECRET_ENV = "EXDESK_TEST_WEBHOOK_SECRET"
SECRET = "a-shared-secret"


@pytest.fixture
def receiver(monkeypatch: pytest.MonkeyPatch) -> Iterator[WebhookReceiver]:
    monkeypatch.setenv(SECRET_ENV, SECRET)
    with webhook_receiver() as receiving:
        yield receiving


@pytest.fixture
def message(loaded_desk: ExceptionDesk, example_network: NetworkSnapshot) -> OutboxMessage:
    """A customer message of a resolved case, committed to the outbox and not yet sent."""
    order = open_orders(example_network)[0]
    case = first_stop(loaded_desk, status_question(example_network, order, "mail-d1"))
    case = approve_everything(loaded_desk, case)
    [committed] = [m for m in case.actions if m.kind == "customer_message"]
    assert committed.status == "pending"
    return committed


def _connect(desk: ExceptionDesk, receiver: WebhookReceiver) -> None:
    with desk.db.connection() as conn:
        set_connector(
            conn,
            TENANT,
            "customer_message",
            WebhookConfig.model_validate({"url": receiver.url, "secret_env": SECRET_ENV}),
        )


def _dispatcher(desk: ExceptionDesk, attempts: int = 3) -> Dispatcher:
    return Dispatcher(
        desk.db, RetrySchedule(max_attempts=attempts, base_seconds=0.0), rng=random.Random(7)
    )


def _now(desk: ExceptionDesk, outbox_id: str) -> OutboxMessage:
    [found] = [m for m in desk.outbox(TENANT) if m.outbox_id == outbox_id]
    return found


def test_a_message_is_delivered_signed_and_keyed_and_the_chain_records_it(
    loaded_desk: ExceptionDesk, message: OutboxMessage, receiver: WebhookReceiver
) -> None:
    _connect(loaded_desk, receiver)

    result = _dispatcher(loaded_desk).deliver(message.outbox_id)

    assert result.outcome == "sent"
    [request] = receiver.received
    assert request.headers[IDEMPOTENCY_HEADER.lower()] == message.outbox_id
    signature = request.headers[SIGNATURE_HEADER.lower()]
    verify(SECRET.encode(), request.body, signature, tolerance_seconds=60)
    document = request.document
    assert (document["outbox_id"], document["kind"]) == (message.outbox_id, "customer_message")
    assert document["payload"]["to"] == message.payload.model_dump()["to"]
    sent = _now(loaded_desk, message.outbox_id)
    assert (sent.status, sent.attempts, sent.last_error) == ("sent", 1, None)
    assert sent.response is not None
    assert sent.response.status_code == 200
    case = loaded_desk.case(TENANT, message.case_id)
    delivered = output_of(case.decisions[-1], DeliverStep)
    assert (delivered.outbox_id, delivered.status, delivered.attempts) == (
        message.outbox_id,
        "sent",
        1,
    )
    assert loaded_desk.verify(TENANT).ok
    assert _dispatcher(loaded_desk).deliver(message.outbox_id).outcome == "not_due"
    assert len(receiver.received) == 1


def test_a_server_error_is_retried_later_then_delivered(
    loaded_desk: ExceptionDesk, message: OutboxMessage, receiver: WebhookReceiver
) -> None:
    _connect(loaded_desk, receiver)
    receiver.statuses = [503]
    dispatcher = Dispatcher(loaded_desk.db, RetrySchedule(max_attempts=3, base_seconds=60))

    first = dispatcher.deliver(message.outbox_id)

    assert first.outcome == "retrying"
    assert first.next_attempt_at is not None
    assert first.next_attempt_at > datetime.now(UTC)
    waiting = _now(loaded_desk, message.outbox_id)
    assert (waiting.status, waiting.attempts, waiting.last_error) == ("retrying", 1, "HTTP 503")
    assert dispatcher.deliver(message.outbox_id).outcome == "not_due", "not before its time"
    with loaded_desk.db.connection() as conn:
        conn.execute(
            "UPDATE outbox SET next_attempt_at = now() WHERE outbox_id = %s", (message.outbox_id,)
        )
    assert dispatcher.deliver(message.outbox_id).outcome == "sent"
    assert [r.headers["idempotency-key"] for r in receiver.received] == [message.outbox_id] * 2


def test_after_the_last_attempt_the_message_is_dead_until_a_person_replays_it(
    loaded_desk: ExceptionDesk, message: OutboxMessage, receiver: WebhookReceiver
) -> None:
    _connect(loaded_desk, receiver)
    receiver.statuses = [500, 500]
    dispatcher = _dispatcher(loaded_desk, attempts=2)

    assert dispatcher.deliver(message.outbox_id).outcome == "retrying"
    assert dispatcher.deliver(message.outbox_id).outcome == "dead"

    dead = _now(loaded_desk, message.outbox_id)
    assert (dead.status, dead.attempts, dead.last_error) == ("dead", 2, "HTTP 500")
    assert [m.outbox_id for m in loaded_desk.outbox(TENANT, "dead")] == [message.outbox_id]
    gave_up = output_of(loaded_desk.case(TENANT, message.case_id).decisions[-1], DeliverStep)
    assert (gave_up.status, gave_up.error) == ("dead", "HTTP 500")

    loaded_desk.replay(TENANT, message.outbox_id, "omar")
    replayed = loaded_desk.case(TENANT, message.case_id).decisions[-1]
    assert replayed.actor == "human:omar"
    assert output_of(replayed, ReplayStep).outbox_id == message.outbox_id
    with pytest.raises(ConflictError, match="only dead messages replay"):
        loaded_desk.replay(TENANT, message.outbox_id, "omar")
    assert dispatcher.deliver(message.outbox_id).outcome == "sent"
    assert loaded_desk.verify(TENANT).ok


def test_a_refusal_of_the_request_itself_is_final_at_once(
    loaded_desk: ExceptionDesk, message: OutboxMessage, receiver: WebhookReceiver
) -> None:
    _connect(loaded_desk, receiver)
    receiver.statuses = [400]
    assert _dispatcher(loaded_desk, attempts=5).deliver(message.outbox_id).outcome == "dead"


def test_without_a_connector_the_message_waits_and_says_why(
    loaded_desk: ExceptionDesk, message: OutboxMessage
) -> None:
    assert _dispatcher(loaded_desk).deliver(message.outbox_id).outcome == "waiting"
    waiting = _now(loaded_desk, message.outbox_id)
    assert waiting.status == "pending"
    assert waiting.last_error == "no connector is configured for customer_message"


def test_an_unreachable_receiver_is_retried(
    loaded_desk: ExceptionDesk, message: OutboxMessage, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(SECRET_ENV, SECRET)
    with webhook_receiver() as gone:
        url = gone.url
    config = WebhookConfig.model_validate({"url": url, "secret_env": SECRET_ENV})
    with loaded_desk.db.connection() as conn:
        set_connector(conn, TENANT, "customer_message", config)
    result = _dispatcher(loaded_desk).deliver(message.outbox_id)
    assert result.outcome == "retrying"
    assert "ConnectError" in (_now(loaded_desk, message.outbox_id).last_error or "")


def test_a_claimed_attempt_is_not_taken_twice(
    loaded_desk: ExceptionDesk, message: OutboxMessage
) -> None:
    from exdesk.store.outbox import claim

    with loaded_desk.db.connection() as conn:
        assert claim(conn, message.outbox_id, lease_seconds=60) is not None
        assert claim(conn, message.outbox_id, lease_seconds=60) is None


def test_backoff_doubles_with_jitter_up_to_the_cap_and_honours_retry_after() -> None:
    schedule = RetrySchedule(base_seconds=5, cap_seconds=60, jitter=0.2)
    rng = random.Random(1)
    delays = [schedule.delay(attempt, rng) for attempt in range(1, 7)]
    for attempt, delay in enumerate(delays, start=1):
        nominal = min(60, 5 * 2 ** (attempt - 1))
        assert nominal * 0.8 <= delay <= nominal * 1.2
    assert schedule.delay(1, rng, retry_after=120) == 120
