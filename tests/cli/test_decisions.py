"""``exdesk approve`` and ``reject``: a person with the right role moves a waiting case on."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from exdesk.domain import Approval, Case, CustomerMessage, NetworkSnapshot
from tests.cli.conftest import Cli, error_line, jsonl_cases, write_events
from tests.support.scenarios import open_orders, policy_file, short_pick, where_is_my_order
from tests.support.typed import payload_of


def pending(case: Case) -> Approval:
    """The one approval the case waits for."""
    [approval] = [a for a in case.approvals if a.status == "pending"]
    return approval


@pytest.fixture
def draft_case(network_cli: Cli, tmp_path: Path, example_network: NetworkSnapshot) -> Case:
    """A customer's status question, waiting for a cs_rep to approve the drafted reply."""
    order = open_orders(example_network)[4]
    customer = next(c for c in example_network.customers if c.customer_id == order.customer_id)
    events = write_events(
        tmp_path / "mail.jsonl", [where_is_my_order(order, customer.contact.email, "mail-1")]
    )
    [case] = jsonl_cases(network_cli.ok("ingest", events, "--format", "jsonl"))
    assert case.status == "awaiting_approval"
    assert case.draft is not None
    approval = pending(case)
    assert (approval.kind, approval.required_role) == ("customer_message", "cs_rep")
    return case


@pytest.fixture
def remediation_case(
    network_cli: Cli,
    tmp_path: Path,
    example_network: NetworkSnapshot,
    monkeypatch: pytest.MonkeyPatch,
) -> Case:
    """A short pick whose remediation (any cost) waits for ops, under EXDESK_POLICY_FILE."""
    policy = policy_file(tmp_path, remediation__auto_approve_cost_limit="0")
    monkeypatch.setenv("EXDESK_POLICY_FILE", str(policy))
    events = write_events(
        tmp_path / "pick.jsonl", [short_pick(open_orders(example_network)[2], "wms-1")]
    )
    [case] = jsonl_cases(network_cli.ok("ingest", events, "--format", "jsonl"))
    approval = pending(case)
    assert (approval.kind, approval.required_role) == ("remediation", "ops")
    return case


def unchanged(cli: Cli, before: Case) -> None:
    """The case is exactly where it was: same status, records and pending approval."""
    after = cli.case(before.case_id)
    assert after.status == before.status
    assert len(after.decisions) == len(before.decisions)
    assert pending(after).approval_id == pending(before).approval_id


def test_ops_approves_a_remediation_and_the_reply_waits_for_a_cs_rep(
    network_cli: Cli, remediation_case: Case
) -> None:
    case_id = remediation_case.case_id

    result = network_cli.ok("approve", case_id, "--user", "omar", "--role", "ops")

    after = network_cli.case(case_id)
    recipient = getattr(pending(after).proposal, "to", None)
    assert recipient is not None
    assert result.stdout.strip() == (
        f"{case_id}: approve remediation -> awaiting_approval, "
        f"waiting for cs_rep (customer_message) to {recipient}"
    )
    assert after.status == "awaiting_approval"
    assert pending(after).kind == "customer_message"
    approved = next(a for a in after.approvals if a.kind == "remediation")
    assert (approved.status, approved.decided_by) == ("approved", "omar")


def test_a_cs_rep_approves_the_reply_and_the_case_resolves(
    network_cli: Cli, draft_case: Case
) -> None:
    result = network_cli.ok("approve", draft_case.case_id, "--user", "rick", "--role", "cs_rep")

    assert result.stdout.strip() == (
        f"{draft_case.case_id}: approve customer_message -> resolved [notify_customer]"
    )
    after = network_cli.case(draft_case.case_id)
    assert after.status == "resolved"
    assert [a.kind for a in after.actions] == ["customer_message"]
    gate = next(r for r in after.decisions if r.step == "approval_gate")
    assert (gate.actor, gate.output.model_dump()["via"]) == ("human:rick", "cli")


def test_reject_ends_the_case_and_then_nothing_waits(network_cli: Cli, draft_case: Case) -> None:
    case_id = draft_case.case_id

    result = network_cli.ok(
        "reject", case_id, "--user", "rick", "--role", "cs_rep", "--comment", "already answered"
    )

    assert result.stdout.strip() == f"{case_id}: reject customer_message -> rejected"
    assert network_cli.case(case_id).actions == []
    again = network_cli("approve", case_id, "--user", "rita", "--role", "cs_rep")
    assert again.exit_code == 5
    assert case_id in error_line(again)
    assert network_cli.case(case_id).status == "rejected"


@pytest.mark.parametrize("command", ["approve", "reject"])
def test_the_wrong_role_is_refused_with_exit_4(
    network_cli: Cli, remediation_case: Case, command: str
) -> None:
    result = network_cli(command, remediation_case.case_id, "--user", "rick", "--role", "cs_rep")

    assert result.exit_code == 4
    assert "ops" in error_line(result)
    assert result.stdout == ""
    unchanged(network_cli, remediation_case)


def test_deciding_an_unknown_case_exits_3(network_cli: Cli) -> None:
    result = network_cli("approve", "case_nope", "--user", "rick", "--role", "cs_rep")

    assert result.exit_code == 3
    assert "case_nope" in error_line(result)


def test_an_unknown_role_is_a_usage_error(network_cli: Cli, draft_case: Case) -> None:
    result = network_cli("approve", draft_case.case_id, "--user", "rick", "--role", "boss")

    assert result.exit_code == 2
    assert "boss" in result.stderr
    unchanged(network_cli, draft_case)


def test_an_edited_draft_needs_someone_else_to_approve_it(
    network_cli: Cli, draft_case: Case, tmp_path: Path
) -> None:
    case_id = draft_case.case_id
    shown = json.loads(network_cli.ok("cases", "show", case_id).stdout)
    draft = shown["draft"]
    draft["body"] += "\n\nP.S. Thank you for your patience."
    edit_file = tmp_path / "draft.json"
    edit_file.write_text(json.dumps(draft), encoding="utf-8")

    edited = network_cli.ok(
        "approve", case_id, "--user", "rita", "--role", "cs_rep", "--edit", edit_file
    )

    second = pending(network_cli.case(case_id))
    assert edited.stdout.strip() == (
        f"{case_id}: edit customer_message -> awaiting_approval, "
        f"waiting for cs_rep (customer_message) to {getattr(second.proposal, 'to', None)}"
    )
    assert getattr(second.proposal, "to", None) == draft["to"], "an edit keeps the recipient"
    assert "rita" in second.excluded_users
    own = network_cli("approve", case_id, "--user", "rita", "--role", "cs_rep")
    assert own.exit_code == 4
    assert "rita" in error_line(own)
    shouted = network_cli("approve", case_id, "--user", " RITA ", "--role", "cs_rep")
    assert shouted.exit_code == 4, "the same person in other letters is still the editor"
    network_cli.ok("approve", case_id, "--user", "rick", "--role", "cs_rep")
    after = network_cli.case(case_id)
    assert after.status == "resolved"
    [message] = after.actions
    assert payload_of(message, CustomerMessage).body.endswith("Thank you for your patience.")


@pytest.mark.parametrize(
    "content",
    ["{not json", '{"subject": "", "body": "hi", "facts_used": []}', "[1, 2]", None],
    ids=["not-json", "invalid-draft", "not-an-object", "missing-file"],
)
def test_an_invalid_edit_file_exits_2_and_changes_nothing(
    network_cli: Cli, draft_case: Case, tmp_path: Path, content: str | None
) -> None:
    edit_file = tmp_path / "edit.json"
    if content is not None:
        edit_file.write_text(content, encoding="utf-8")

    result = network_cli(
        "approve", draft_case.case_id, "--user", "rita", "--role", "cs_rep", "--edit", edit_file
    )

    assert result.exit_code == 2
    error_line(result)
    unchanged(network_cli, draft_case)


def test_an_edit_file_holding_null_is_refused_not_approved(
    network_cli: Cli, draft_case: Case, tmp_path: Path
) -> None:
    edit_file = tmp_path / "edit.json"
    edit_file.write_text("null", encoding="utf-8")

    result = network_cli(
        "approve", draft_case.case_id, "--user", "rita", "--role", "cs_rep", "--edit", edit_file
    )

    assert network_cli.case(draft_case.case_id).status == "awaiting_approval"
    assert result.exit_code == 2


def test_the_demo_reps_own_edit_is_not_approved_under_her_name_in_capitals(
    network_cli: Cli, draft_case: Case, tmp_path: Path
) -> None:
    case_id = draft_case.case_id
    draft = json.loads(network_cli.ok("cases", "show", case_id).stdout)["draft"]
    draft["body"] += "\n\nP.S. Thank you for your patience."
    edit_file = tmp_path / "draft.json"
    edit_file.write_text(json.dumps(draft), encoding="utf-8")
    network_cli.ok(
        "approve", case_id, "--user", "demo-cs_rep", "--role", "cs_rep", "--edit", edit_file
    )

    refused = network_cli("approve", case_id, "--user", "DEMO-CS_REP", "--role", "cs_rep")

    assert refused.exit_code == 4
    assert "demo-cs_rep" in error_line(refused).casefold()
    assert pending(network_cli.case(case_id)).status == "pending"
