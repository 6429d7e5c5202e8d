"""Customer messages by e-mail, against a real SMTP server on 127.0.0.1 (aiosmtpd)."""

from __future__ import annotations

import random
import socket
from collections.abc import Iterator
from dataclasses import dataclass, field
from email import message_from_bytes
from email.message import Message
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from exdesk.delivery import Dispatcher, RetrySchedule, SmtpConfig, set_connector
from exdesk.domain import CustomerMessage, NetworkSnapshot, OutboxMessage
from exdesk.service import ExceptionDesk
from tests.support.scenarios import open_orders, status_question
from tests.support.typed import payload_of
from tests.workflows.conftest import TENANT, approve_everything, first_stop


@dataclass
class Mailbox:
    """What the SMTP server received, and what it answers next."""

    port: int = 0
    messages: list[Message] = field(default_factory=list)
    envelopes: list[list[str]] = field(default_factory=list)
    answer: str = "250 OK"

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:  # noqa: N802
        if self.answer.startswith("250"):
            self.messages.append(message_from_bytes(envelope.content))
            self.envelopes.append(list(envelope.rcpt_tos))
        return self.answer


@pytest.fixture
def mailbox() -> Iterator[Mailbox]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    box = Mailbox(port=port)
    controller = Controller(box, hostname="127.0.0.1", port=port)
    controller.start()
    try:
        yield box
    finally:
        controller.stop()


@pytest.fixture
def message(loaded_desk: ExceptionDesk, example_network: NetworkSnapshot) -> OutboxMessage:
    order = open_orders(example_network)[1]
    case = approve_everything(
        loaded_desk, first_stop(loaded_desk, status_question(example_network, order, "mail-s1"))
    )
    [committed] = [m for m in case.actions if m.kind == "customer_message"]
    return committed


def _smtp(desk: ExceptionDesk, mailbox: Mailbox) -> Dispatcher:
    config = SmtpConfig(
        host="127.0.0.1", port=mailbox.port, starttls=False, sender="service@northstar.example.com"
    )
    with desk.db.connection() as conn:
        set_connector(conn, TENANT, "customer_message", config)
    return Dispatcher(desk.db, RetrySchedule(max_attempts=3, base_seconds=0), rng=random.Random(3))


def test_the_approved_draft_arrives_as_an_email_to_the_contact_on_file(
    loaded_desk: ExceptionDesk, message: OutboxMessage, mailbox: Mailbox
) -> None:
    result = _smtp(loaded_desk, mailbox).deliver(message.outbox_id)

    assert result.outcome == "sent"
    sent = payload_of(message, CustomerMessage)
    [email] = mailbox.messages
    assert mailbox.envelopes == [[sent.to]]
    assert email["Subject"] == sent.subject
    assert email["From"] == "service@northstar.example.com"
    assert email["Message-ID"] == f"<{message.outbox_id}@exdesk>"
    assert email["Idempotency-Key"] == message.outbox_id
    body = email.get_payload(decode=True)
    assert isinstance(body, bytes)
    assert body.decode().replace("\r\n", "\n").strip() == sent.body.strip()  # SMTP sends CRLF
    assert loaded_desk.verify(TENANT).ok


def test_a_permanent_refusal_is_final_and_a_temporary_one_is_retried(
    loaded_desk: ExceptionDesk, message: OutboxMessage, mailbox: Mailbox
) -> None:
    dispatcher = _smtp(loaded_desk, mailbox)
    mailbox.answer = "451 try again later"
    assert dispatcher.deliver(message.outbox_id).outcome == "retrying"
    with loaded_desk.db.connection() as conn:
        conn.execute(
            "UPDATE outbox SET next_attempt_at = now() WHERE outbox_id = %s", (message.outbox_id,)
        )
    mailbox.answer = "554 no such mailbox"
    assert dispatcher.deliver(message.outbox_id).outcome == "dead"
    assert mailbox.messages == []
