"""Decisions that mean one thing each (issue 7 item 4), on a small network of two
customers: rejecting a reply's wording never cancels an approved remediation, finance
releases, keeps or cancels a hold, and each of those is told to the customer."""

from __future__ import annotations

import pytest

from exdesk.domain import Case, CreditDecision, CustomerMessage, RemediationOrder
from exdesk.errors import InputError
from exdesk.service import ExceptionDesk
from tests.support.small_network import BRIGHT_CONTACT, event, short_pick, small_network
from tests.workflows.conftest import TENANT, first_stop, pending, person


@pytest.fixture
def small_desk(desk: ExceptionDesk) -> ExceptionDesk:
    desk.load_network(TENANT, small_network())
    return desk


def test_rejecting_the_reply_sends_nothing_and_keeps_the_auto_approved_remediation(
    small_desk: ExceptionDesk,
) -> None:
    case = first_stop(small_desk, short_pick())
    assert [d.step for d in case.decisions].count("check_policies") == 2, "remediation ran"
    reply = pending(case)
    assert reply.kind == "customer_message"

    done = small_desk.decide(person("rita", "cs_rep"), reply.approval_id, "reject")

    assert done.status == "resolved"
    assert [m.kind for m in done.actions] == ["remediation"]
    payload = done.actions[0].payload
    assert isinstance(payload, RemediationOrder)
    assert payload.order_id == "SO-1001"
    assert done.resolution == payload.option.action


def test_rejecting_the_only_proposal_rejects_the_case_with_no_resolution(
    small_desk: ExceptionDesk,
) -> None:
    question = event(
        "EM-1",
        "From: buyer@canyon-castings.example.com\nSubject: status\n\nWhen will order SO-1001 "
        "arrive? Thanks",
    )
    case = first_stop(small_desk, question)

    done = small_desk.decide(person("rita", "cs_rep"), pending(case).approval_id, "reject")

    assert done.status == "rejected"
    assert not done.actions
    assert done.resolution is None


def _held(desk: ExceptionDesk, event_id: str) -> Case:
    hold = event(
        event_id,
        "Credit hold: order SO-2003 for Brightline Foods blocked, customer over credit limit",
        source="erp",
        order_id="SO-2003",
        customer_id="C-BRIGHT",
    )
    case = first_stop(desk, hold)
    approval = pending(case)
    assert approval.kind == "credit"
    assert approval.required_role == "finance"
    assert getattr(approval.proposal, "action", None) == "keep_hold", "over the limit"
    return case


@pytest.mark.parametrize("action", ["release_hold", "cancel_order", "keep_hold"])
def test_finance_decides_release_keep_or_cancel_and_the_customer_is_told_that(
    small_desk: ExceptionDesk, action: str
) -> None:
    case = _held(small_desk, f"ERP-{action}")

    decided = small_desk.decide(
        person("fiona", "finance"), pending(case).approval_id, "approve", action=action
    )

    credit = next(a for a in decided.approvals if a.kind == "credit")
    assert credit.status == "approved"
    assert credit.decided_by == "fiona"
    reply = pending(decided)
    assert reply.kind == "customer_message"
    assert getattr(reply.proposal, "to", None) == BRIGHT_CONTACT
    facts = {f.name: f.value for f in getattr(reply.proposal, "facts_used", [])}
    assert facts.get("next_step") == action

    done = small_desk.decide(person("rita", "cs_rep"), reply.approval_id, "approve")

    assert done.status == "resolved"
    assert done.resolution == action
    sent = {m.kind: m.payload for m in done.actions}
    assert isinstance(sent["credit_decision"], CreditDecision)
    assert sent["credit_decision"].action == action
    message = sent["customer_message"]
    assert isinstance(message, CustomerMessage)
    assert message.to == BRIGHT_CONTACT


def test_an_action_is_a_credit_decision_only(small_desk: ExceptionDesk) -> None:
    case = first_stop(small_desk, short_pick())

    with pytest.raises(InputError, match="offers: none"):
        small_desk.decide(
            person("rita", "cs_rep"), pending(case).approval_id, "approve", action="release_hold"
        )
    held = _held(small_desk, "ERP-2")
    with pytest.raises(InputError, match="action"):
        small_desk.decide(
            person("fiona", "finance"), pending(held).approval_id, "approve", action="reship"
        )
