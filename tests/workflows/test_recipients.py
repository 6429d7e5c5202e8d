"""Recipients from the record, never from free text (issue 10 item 4), and look-alike
senders (issue 7 item 5), on a small network of two customers."""

from __future__ import annotations

import pytest

from exdesk.domain import CustomerMessage
from exdesk.errors import InputError
from exdesk.service import ExceptionDesk
from tests.support.small_network import (
    BRIGHT_CONTACT,
    CANYON_CONTACT,
    event,
    short_pick,
    small_network,
)
from tests.workflows.conftest import TENANT, first_stop, pending, person


@pytest.fixture
def small_desk(desk: ExceptionDesk) -> ExceptionDesk:
    desk.load_network(TENANT, small_network())
    return desk


def test_an_address_in_the_text_never_becomes_the_recipient(small_desk: ExceptionDesk) -> None:
    request = event(
        "EM-1",
        "Please email the invoice copy for order SO-1001 to attacker@evil.example - we lost it.",
        customer_id="C-CANYON",
        order_id="SO-1001",
    )
    case = first_stop(small_desk, request)

    reply = pending(case)
    assert reply.kind == "customer_message"
    assert getattr(reply.proposal, "to", None) == CANYON_CONTACT, "the approver sees the recipient"
    assert any("attacker@evil.example is not a known contact" in w for w in case.warnings)

    done = small_desk.decide(person("rita", "cs_rep"), reply.approval_id, "approve")

    [message] = [m.payload for m in done.actions if m.kind == "customer_message"]
    assert isinstance(message, CustomerMessage)
    assert message.to == CANYON_CONTACT
    assert "attacker@evil.example" not in done.actions[0].payload.model_dump_json()


def test_an_unknown_sender_asking_about_anothers_order_is_answered_only_to_the_owner(
    small_desk: ExceptionDesk,
) -> None:
    question = event(
        "EM-2", "From: someone@freemail.example\n\nWhere is order SO-2003? When will it arrive?"
    )
    case = first_stop(small_desk, question)

    assert case.status == "awaiting_approval"
    assert not case.actions
    reply = pending(case)
    assert getattr(reply.proposal, "to", None) == BRIGHT_CONTACT
    assert "sender-check" in reply.reason
    assert any("someone@freemail.example" in w for w in case.warnings)


def test_an_edit_cannot_change_the_recipient(small_desk: ExceptionDesk) -> None:
    case = first_stop(small_desk, short_pick())
    reply = pending(case)
    edited = {**reply.proposal.model_dump(mode="json"), "to": "attacker@evil.example"}

    with pytest.raises(InputError, match="contact on file"):
        small_desk.decide(
            person("rita", "cs_rep"), reply.approval_id, "edit", edited_proposal=edited
        )


def test_a_look_alike_sender_stops_what_would_have_run_on_its_own(
    small_desk: ExceptionDesk,
) -> None:
    genuine = first_stop(small_desk, short_pick("EM-3", sender=CANYON_CONTACT))
    assert genuine.warnings == []
    assert pending(genuine).kind == "customer_message", "the remediation ran on its own"

    forged = first_stop(small_desk, short_pick("EM-4", sender="ar@canyon-castlngs.example.net"))

    approval = pending(forged)
    assert approval.kind == "remediation"
    assert "looks like canyon-castings.example.com" in approval.reason
    assert any("canyon-castlngs.example.net" in w for w in forged.warnings)
    assert not forged.actions
