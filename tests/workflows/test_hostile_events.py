"""Hostile inputs from the example traffic: instructions hidden in a supplier's document,
a customer asking about another customer's order."""

from __future__ import annotations

import pytest

from exdesk.domain import CustomerMessage, EnrichStep, ExceptionEvent
from exdesk.errors import InputError
from exdesk.examples import example_events
from tests.support.typed import output_of, payload_of
from tests.workflows.conftest import MakeDesk, approve_everything, first_stop, pending, person


def example(event_id: str) -> ExceptionEvent:
    return next(e for e in example_events() if e.source_event_id == event_id)


def test_a_document_telling_the_system_to_approve_goes_to_a_person(make_desk: MakeDesk) -> None:
    desk = make_desk(thresholds__default=0.0, thresholds__categories={})
    event = example("<CO1PR19MB7702E9@kellersafety.example.com>")
    assert event.document is not None
    assert "ignore previous instructions" in event.document.content.lower()

    case = first_stop(desk, event)

    assert case.route == "document"
    assert case.extraction is not None
    assert any(w.startswith("suspicious instruction") for w in case.extraction.warnings)
    approval = pending(case)
    assert approval.kind == "document"
    assert approval.required_role == "ops"
    assert any(r.policy_id == "document-warnings" for r in case.policy_results)
    assert case.actions == []


def test_another_customers_order_never_reaches_the_reply(make_desk: MakeDesk) -> None:
    desk = make_desk(thresholds__default=0.0, thresholds__categories={})
    event = example("<SN4PR19MB0033@manufacturas-trevino.example.com>")

    case = first_stop(desk, event)

    enrich = next(d for d in case.decisions if d.step == "enrich")
    found = output_of(enrich, EnrichStep)
    assert found.customer_id == "C-102899"
    assert found.order_id is None
    assert any("SO-104744" in m for m in found.missing)
    assert case.route == "customer_comm"
    assert case.draft is not None
    assert "SO-104744" not in case.draft.subject + case.draft.body
    assert all(f.value != "SO-104744" for f in case.draft.facts_used)

    case = approve_everything(desk, case)
    [message] = case.actions
    sent = payload_of(message, CustomerMessage)
    assert "SO-104744" not in sent.body
    assert sent.to is not None
    assert sent.to.endswith("@manufacturas-trevino.example.com")


def test_an_edited_reply_naming_the_other_order_is_blocked(make_desk: MakeDesk) -> None:
    desk = make_desk(thresholds__default=0.0, thresholds__categories={})
    case = first_stop(desk, example("<SN4PR19MB0033@manufacturas-trevino.example.com>"))
    assert case.draft is not None
    edited = case.draft.model_dump(mode="json")
    edited["body"] += "\nOrder SO-104744 ships to 200 Industrial Pkwy."

    case = desk.decide(
        person("rita", "cs_rep"), pending(case).approval_id, "edit", edited_proposal=edited
    )

    guarded = pending(case)
    assert guarded.allowed_decisions == ["reject", "edit"]
    with pytest.raises(InputError):
        desk.decide(person("rick", "cs_rep"), guarded.approval_id, "approve")
