"""The queue, the case page and its actions: what a person sees and what the server lets
them do (every rule is the service's; the page cannot get around one)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

from exdesk.console.segments import edifact_segments, x12_segments
from exdesk.domain import DecisionRecord, NetworkSnapshot
from exdesk.service import ExceptionDesk
from tests.api.support import TENANT, credit_hold, lost_shipment, where_is_my_order
from tests.console.support import case_of, hidden, person, sign_in
from tests.support.scenarios import vague_note


def _gate(records: list[DecisionRecord]) -> DecisionRecord:
    return next(r for r in reversed(records) if r.step == "approval_gate")


def test_each_role_sees_what_waits_for_it(console: TestClient, loaded_desk: ExceptionDesk) -> None:
    message = case_of(loaded_desk, where_is_my_order("e1"))
    credit = case_of(loaded_desk, credit_hold("e2"))
    person(loaded_desk, "rita", "cs_rep")
    person(loaded_desk, "fiona", "finance")
    queue = sign_in(console, "rita").text
    assert message.case_id in queue
    assert credit.case_id not in queue
    assert "waiting for cs_rep: <strong>1</strong>" in queue
    console.cookies.clear()
    queue = sign_in(console, "fiona").text
    assert credit.case_id in queue
    assert message.case_id not in queue


def test_the_queue_finds_a_case_by_order_customer_or_case_id(
    console: TestClient, loaded_desk: ExceptionDesk
) -> None:
    delay = case_of(loaded_desk, lost_shipment("e1"))
    other = case_of(loaded_desk, where_is_my_order("e2"))
    person(loaded_desk, "ada", "admin")
    sign_in(console, "ada")
    by_order = console.get("/console/queue", params={"all": "1", "q": "so-104108"}).text
    assert delay.case_id in by_order
    assert other.case_id not in by_order
    by_id = console.get("/console/queue", params={"all": "1", "q": other.case_id[:14]}).text
    assert other.case_id in by_id
    assert delay.case_id not in by_id


def test_no_other_tenants_case_reaches_the_page(
    console: TestClient, loaded_desk: ExceptionDesk, example_network: NetworkSnapshot
) -> None:
    loaded_desk.load_network("globex", example_network)
    theirs = case_of(loaded_desk, where_is_my_order("e1"), tenant="globex")
    person(loaded_desk, "rita", "cs_rep")
    sign_in(console, "rita")
    assert theirs.case_id not in console.get("/console/queue?all=1").text
    assert console.get(f"/console/cases/{theirs.case_id}").status_code == 404


def test_a_rep_approves_a_draft_and_the_record_says_via_session(
    console: TestClient, loaded_desk: ExceptionDesk
) -> None:
    case = case_of(loaded_desk, where_is_my_order("e1"))
    person(loaded_desk, "rita", "cs_rep")
    sign_in(console, "rita")
    page = console.get(f"/console/cases/{case.case_id}").text
    assert "To:</strong> " in page
    assert "@" in page.split("To:</strong> ")[1][:80]
    response = console.post(
        f"/console/cases/{case.case_id}/decide",
        data={
            "csrf_token": hidden(page, "csrf_token"),
            "approval_id": hidden(page, "approval_id"),
            "decision": "approve",
        },
    )
    assert response.status_code == 200
    assert "Your decision was recorded." in response.text
    after = loaded_desk.case(TENANT, case.case_id)
    gate = _gate(after.decisions)
    assert gate.actor == "human:rita"
    assert gate.output.model_dump()["via"] == "session"
    assert after.approvals[0].decided_via == "session"
    assert loaded_desk.verify(TENANT).ok


def test_a_form_without_the_sessions_token_decides_nothing(
    console: TestClient, loaded_desk: ExceptionDesk
) -> None:
    case = case_of(loaded_desk, where_is_my_order("e1"))
    person(loaded_desk, "rita", "cs_rep")
    sign_in(console, "rita")
    page = console.get(f"/console/cases/{case.case_id}").text
    response = console.post(
        f"/console/cases/{case.case_id}/decide",
        data={"csrf_token": "x", "approval_id": hidden(page, "approval_id"), "decision": "approve"},
    )
    assert response.status_code == 400
    assert loaded_desk.case(TENANT, case.case_id).approvals[0].status == "pending"


def test_a_stale_page_cannot_decide_twice(console: TestClient, loaded_desk: ExceptionDesk) -> None:
    case = case_of(loaded_desk, lost_shipment("e1"))
    person(loaded_desk, "omar", "ops")
    sign_in(console, "omar")
    page = console.get(f"/console/cases/{case.case_id}").text
    form = {
        "csrf_token": hidden(page, "csrf_token"),
        "approval_id": hidden(page, "approval_id"),
        "decision": "approve",
    }
    assert console.post(f"/console/cases/{case.case_id}/decide", data=form).status_code == 200
    second = console.post(f"/console/cases/{case.case_id}/decide", data=form)
    assert second.status_code == 409
    assert "Nothing was done" in second.text
    assert "already decided" in second.text
    gates = [
        r for r in loaded_desk.case(TENANT, case.case_id).decisions if r.step == "approval_gate"
    ]
    assert len(gates) == 1


def test_an_edited_draft_with_a_false_claim_is_shown_its_violation(
    console: TestClient, loaded_desk: ExceptionDesk
) -> None:
    case = case_of(loaded_desk, where_is_my_order("e1"))
    person(loaded_desk, "rita", "cs_rep")
    sign_in(console, "rita")
    page = console.get(f"/console/cases/{case.case_id}").text
    check = console.post(
        f"/console/cases/{case.case_id}/check-draft",
        data={
            "csrf_token": hidden(page, "csrf_token"),
            "subject": "Your order",
            "body": "Your order SO-999999 shipped with 35 units and arrives on 2031-01-05.",
        },
    )
    assert "cannot be sent as written" in check.text
    assert "2031-01-05" in check.text or "SO-999999" in check.text


def test_the_person_who_edited_a_draft_may_not_approve_it(
    console: TestClient, loaded_desk: ExceptionDesk
) -> None:
    case = case_of(loaded_desk, where_is_my_order("e1"))
    person(loaded_desk, "rita", "cs_rep")
    sign_in(console, "rita")
    page = console.get(f"/console/cases/{case.case_id}").text
    subject = hidden_input(page, "subject")
    body = re.search(r'<textarea id="body"[^>]*>(.*?)</textarea>', page, re.S)
    assert body
    edited = console.post(
        f"/console/cases/{case.case_id}/decide",
        data={
            "csrf_token": hidden(page, "csrf_token"),
            "approval_id": hidden(page, "approval_id"),
            "decision": "edit",
            "subject": subject,
            "body": body.group(1).replace("&#39;", "'").replace("&amp;", "&") + "\n\nKind regards",
        },
    )
    assert edited.status_code == 200, edited.text[:2000]
    again = edited.text
    refused = console.post(
        f"/console/cases/{case.case_id}/decide",
        data={
            "csrf_token": hidden(again, "csrf_token"),
            "approval_id": hidden(again, "approval_id"),
            "decision": "approve",
        },
    )
    assert refused.status_code == 403
    assert "may not decide it" in refused.text
    assert loaded_desk.case(TENANT, case.case_id).status == "awaiting_approval"


def hidden_input(html: str, name: str) -> str:
    found = re.search(rf'id="{name}" name="{name}" value="([^"]*)"', html)
    assert found
    return found.group(1)


def test_an_api_key_decision_is_recorded_with_the_keys_id(loaded_desk: ExceptionDesk) -> None:
    from exdesk.store.api_keys import authenticate

    case = case_of(loaded_desk, where_is_my_order("e1"))
    key_id, key = loaded_desk.create_api_key(TENANT, "rita", ["cs_rep"])
    with loaded_desk.db.connection() as conn:
        principal = authenticate(conn, key)
    assert principal is not None
    decided = loaded_desk.decide(principal, case.approvals[0].approval_id, "approve")
    output = _gate(decided.decisions).output.model_dump()
    assert (output["via"], output["via_key"]) == ("api_key", key_id)


def test_ops_reclassifies_a_case_from_triage(
    console: TestClient, loaded_desk: ExceptionDesk
) -> None:
    note = vague_note("e1").model_dump(mode="json", exclude_none=True)
    case = case_of(loaded_desk, note)
    assert case.approvals[0].kind == "classification"
    person(loaded_desk, "omar", "ops")
    sign_in(console, "omar")
    page = console.get(f"/console/cases/{case.case_id}").text
    assert "a threshold of" in page
    console.post(
        f"/console/cases/{case.case_id}/decide",
        data={
            "csrf_token": hidden(page, "csrf_token"),
            "approval_id": hidden(page, "approval_id"),
            "decision": "edit",
            "category": "carrier_delay",
        },
    )
    after = loaded_desk.case(TENANT, case.case_id)
    assert after.classification is not None
    assert (after.classification.category, after.classification.engine) == (
        "carrier_delay",
        "human",
    )


def test_pages_hold_no_secret_of_the_session_or_the_desk(
    console: TestClient, loaded_desk: ExceptionDesk
) -> None:
    case = case_of(loaded_desk, where_is_my_order("e1"))
    _, key = loaded_desk.create_api_key(TENANT, "rita", ["cs_rep"])
    person(loaded_desk, "rita", "cs_rep")
    sign_in(console, "rita")
    session_token = console.cookies.get("exdesk_session")
    assert session_token
    with loaded_desk.db.connection() as conn:
        row = conn.execute("SELECT password_hash FROM console_users").fetchone()
    assert row is not None
    for path in ("/console/queue", "/console/queue?all=1", f"/console/cases/{case.case_id}"):
        html = console.get(path).text
        assert session_token not in html
        assert row["password_hash"] not in html
        assert key not in html
        secret = key.split("_", 2)[2]  # prefix_keyid_secret; the secret may hold "_" itself
        assert secret not in html


def test_an_x12_document_reads_as_a_table_of_segments() -> None:
    content = (
        "ISA*00*          *00*          *ZZ*SENDER         *ZZ*RECEIVER       *261110*0815*U*"
        "00401*000000001*0*P*>~GS*PR*S*R*20261110*0815*1*X*004010~ST*855*0001~"
        "BAK*00*AC*PO-1*20261110~SE*3*0001~"
    )
    segments = x12_segments(content)
    assert [s.tag for s in segments] == ["ISA", "GS", "ST", "BAK", "SE"]
    assert segments[3].meaning == "Order acknowledgment start"
    assert segments[3].elements == ["00", "AC", "PO-1", "20261110"]


def test_an_edifact_document_reads_with_its_una_service_characters() -> None:
    segments = edifact_segments("UNA:+.? 'UNH+1+ORDRSP:D:96A:UN'BGM+231+PO-1+29'UNT+3+1'")
    assert [(s.tag, s.meaning) for s in segments][:2] == [
        ("UNH", "Message header"),
        ("BGM", "Beginning of message"),
    ]
    assert segments[1].elements == ["231", "PO-1", "29"]


def test_ops_sees_each_option_at_its_total_cost_with_the_goods_it_replaces(
    console: TestClient, loaded_desk: ExceptionDesk
) -> None:
    case = case_of(loaded_desk, lost_shipment("e1"))
    assert case.recommendation is not None
    first = case.recommendation.options[0]
    assert first.goods_cost > 0, "a lost shipment's options replace the goods"
    person(loaded_desk, "omar", "ops")
    sign_in(console, "omar")

    page = console.get(f"/console/cases/{case.case_id}").text

    assert f"{first.total_cost} {first.currency}" in page
    assert f"freight {first.cost} + goods {first.goods_cost}" in page
