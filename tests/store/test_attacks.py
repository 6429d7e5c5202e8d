"""The penetration test's attacks, made with the database superuser's powers (triggers off
for the session), each caught by ``verify_tenant`` or by a checkpoint signed before it.

The scenario — a resolved case (decided approvals, outbox rows) and a case waiting for an
approval — is built once and cloned for each attack. Verification runs as the application
role, as the desk does; the attacker is the superuser.

| attack | caught by |
|---|---|
| re-chain a case and the tenant ledger | checkpoint (entry rewritten) |
| delete a case with its ledger entries, ledger re-chained | checkpoint |
| append a forged ``human:`` approval record with a plain INSERT | verify: case row head |
| … and move the case row and approval row along | verify: unanchored tail, idle case |
| change an approval's ``decided_by`` | verify: the approval_gate record |
| change an outbox row's recipient | verify: the execute record's digest |
| change a case's status (or category) | verify: the last record's case digest |
| delete the event row | verify: intake record |
| change a record's output | verify: hash |
| reorder records | verify: chain link |
| delete a record in the middle | verify: seq gap |
| delete the tail | verify: anchor / case row head |
| truncate the ledger / replace it, recomputed | verify: no anchors / checkpoint |
| rewrite a ledger entry | verify: ledger hash |
| forge a case's chain with recomputed hashes | verify: ledger anchor |
| change an approval's proposal | verify: the opening record's digest |
| delete an approval or an outbox row | verify: the record naming it |
| add an outbox row no record committed | verify |
| move the ledger head | verify |
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import psycopg
import pytest
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey
from psycopg import Connection
from psycopg.rows import DictRow, dict_row
from psycopg.types.json import Jsonb

from exdesk.agents.registry import AgentSet
from exdesk.domain import GateStep, NetworkSnapshot
from exdesk.service import ExceptionDesk
from exdesk.settings import Settings
from exdesk.store.audit import AuditReport, verify_tenant
from exdesk.store.audit_log import DatabaseLog
from exdesk.store.cases import GENESIS_HASH
from exdesk.store.checkpoint import LedgerCheckpoint, check_checkpoint, sign_checkpoint
from exdesk.store.commitments import PROJECTION_COLUMNS, row_digest
from exdesk.store.database import CONNECTION_KWARGS, with_database
from exdesk.store.export import export_tenant, verify_export
from exdesk.store.record_hashes import hash_fields_of, ledger_hash, record_hash
from exdesk.store.roles import OWNER_ROLE
from exdesk.store.signing import load_signing_key, public_key_text
from tests.support.postgres import application_url, fresh_database, owner_url, superuser_url
from tests.support.scenarios import open_orders, short_pick
from tests.workflows.conftest import TENANT, approve_everything, first_stop

AUDITOR_KEY = Ed25519PrivateKey.generate()
"""Signs the checkpoints the auditor keeps (any desk key would do)."""


@dataclass(frozen=True)
class Scenario:
    """The database every attack starts from, and its cases."""

    database: str
    resolved: str
    waiting: str
    public_key: str
    """The desk's, which signed every record and ledger entry."""


@pytest.fixture(scope="module")
def scenario(
    pg_server_url: str,
    session_data_dir: Path,
    agents: AgentSet,
    example_network: NetworkSnapshot,
) -> Iterator[Scenario]:
    """Built once: a resolved case and a waiting one, every step recorded by the desk."""
    with fresh_database(pg_server_url) as url:
        settings = Settings(
            data_dir=session_data_dir,
            database_url=url,
            migration_database_url=owner_url(url),
            telemetry_exporter="none",
            workers=2,
            run_cases="inline",
        )
        with ExceptionDesk.open(settings, agents=agents) as desk:
            desk.load_network(TENANT, example_network)
            orders = open_orders(example_network)
            resolved = approve_everything(desk, first_stop(desk, short_pick(orders[0], "atk-1")))
            waiting = first_stop(desk, short_pick(orders[1], "atk-2"))
        assert resolved.status == "resolved"
        assert len(resolved.actions) == 2
        assert waiting.status in {"awaiting_approval", "escalated"}
        yield Scenario(
            urlsplit(url).path.lstrip("/"),
            resolved.case_id,
            waiting.case_id,
            public_key_text(load_signing_key(settings)),
        )


@dataclass
class Target:
    """One clone of the scenario: the attacker's connection, and the auditor's."""

    app: Connection[DictRow]
    attacker: Connection[DictRow]
    resolved: str
    waiting: str
    public_key: str
    checkpoint: LedgerCheckpoint
    """Taken before the attack, and kept outside the database."""

    def run(self, sql: str, **params: Any) -> None:
        self.attacker.execute(sql, params)

    def verify(self) -> AuditReport:
        return verify_tenant(self.app, TENANT, self.public_key)

    def problems(self) -> list[str]:
        report = self.verify()
        assert not report.ok, "the attack went unnoticed"
        return [str(p) for p in report.problems]

    def checkpoint_problems(self) -> list[str]:
        ledger = DatabaseLog(self.app, TENANT).ledger()
        found = check_checkpoint(self.checkpoint, TENANT, ledger, public_key_text(AUDITOR_KEY))
        return [str(p) for p in found]

    def records(self, case_id: str) -> list[dict[str, Any]]:
        return self.attacker.execute(
            "SELECT * FROM decision_records WHERE case_id=%s ORDER BY seq", (case_id,)
        ).fetchall()


@pytest.fixture
def target(scenario: Scenario, pg_server_url: str) -> Iterator[Target]:
    """A fresh clone, verified clean and checkpointed before the attacker arrives."""
    name = f"exdesk_test_{uuid.uuid4().hex[:12]}"
    with psycopg.connect(pg_server_url, autocommit=True) as admin:
        admin.execute(f'CREATE DATABASE "{name}" TEMPLATE "{scenario.database}" OWNER {OWNER_ROLE}')
    url = with_database(pg_server_url, name)
    try:
        with (
            psycopg.connect(application_url(url), **CONNECTION_KWARGS) as app,
            psycopg.connect(superuser_url(url), autocommit=True, row_factory=dict_row) as attacker,
        ):
            clean = verify_tenant(app, TENANT, scenario.public_key)
            assert clean.ok, [str(p) for p in clean.problems]
            signed = sign_checkpoint(AUDITOR_KEY, TENANT, DatabaseLog(app, TENANT).ledger())
            attacker.execute("SET session_replication_role = replica")
            yield Target(
                app, attacker, scenario.resolved, scenario.waiting, scenario.public_key, signed
            )
    finally:
        with psycopg.connect(pg_server_url, autocommit=True) as admin:
            admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


# --- what a careful attacker does: recompute every hash -------------------------------------


def rechain_case(target: Target, case_id: str) -> None:
    """Recompute the case's chain after a change, and its head on the case row."""
    previous = GENESIS_HASH
    for row in target.records(case_id):
        fields = hash_fields_of({**row, "prev_hash": previous})
        new_hash = record_hash(fields)
        target.run(
            "UPDATE decision_records SET prev_hash=%(p)s, hash=%(h)s"
            " WHERE case_id=%(c)s AND seq=%(s)s",
            p=previous,
            h=new_hash,
            c=case_id,
            s=row["seq"],
        )
        previous = new_hash
    target.run("UPDATE cases SET last_hash=%(h)s WHERE case_id=%(c)s", h=previous, c=case_id)


def rechain_ledger(target: Target) -> None:
    """Re-anchor every case at its records' current hashes, renumber and re-hash the
    ledger, and move its head: a ledger as consistent as the desk would write."""
    entries = target.attacker.execute(
        "SELECT * FROM ledger_entries WHERE tenant_id=%s ORDER BY seq", (TENANT,)
    ).fetchall()
    target.run("DELETE FROM ledger_entries WHERE tenant_id=%(t)s", t=TENANT)
    previous, seq = GENESIS_HASH, 0
    for entry in entries:
        record = target.attacker.execute(
            "SELECT hash FROM decision_records WHERE case_id=%s AND seq=%s",
            (entry["case_id"], entry["case_seq"]),
        ).fetchone()
        if record is None:
            continue  # its case is gone
        seq += 1
        fields = {**entry, "seq": seq, "case_hash": record["hash"], "prev_hash": previous}
        fields["hash"] = ledger_hash(fields)
        target.run(
            "INSERT INTO ledger_entries (tenant_id, seq, at, case_id, case_seq, case_hash, reason,"
            " prev_hash, hash) VALUES (%(tenant_id)s, %(seq)s, %(at)s, %(case_id)s, %(case_seq)s,"
            " %(case_hash)s, %(reason)s, %(prev_hash)s, %(hash)s)",
            **fields,
        )
        previous = fields["hash"]
    target.run(
        "UPDATE ledger_heads SET seq=%(s)s, hash=%(h)s WHERE tenant_id=%(t)s",
        s=seq,
        h=previous,
        t=TENANT,
    )


def gate_of(target: Target, case_id: str) -> dict[str, Any]:
    return next(r for r in target.records(case_id) if r["step"] == "approval_gate")


# --- the attacks -----------------------------------------------------------------------------


def test_the_untouched_scenario_verifies_and_holds_its_checkpoint(target: Target) -> None:
    report = target.verify()
    assert report.ok, report.problems
    assert (report.cases, report.unchecked, report.in_progress) == (2, [], [])
    assert target.checkpoint_problems() == []


def test_rechaining_a_case_and_the_ledger_is_caught_by_the_key_and_an_earlier_checkpoint(
    target: Target,
) -> None:
    classify = next(r for r in target.records(target.resolved) if r["step"] == "classify")
    target.run(
        'UPDATE decision_records SET output = output || \'{"rationale": "rewritten"}\''
        " WHERE case_id=%(c)s AND seq=%(s)s",
        c=target.resolved,
        s=classify["seq"],
    )
    rechain_case(target, target.resolved)
    rechain_ledger(target)

    assert verify_tenant(target.app, TENANT).ok  # consistent: only the key can tell…
    assert any("is not signed by this desk's key" in p for p in target.problems())
    assert any("the ledger was rewritten" in p for p in target.checkpoint_problems())  # …or this


def test_deleting_a_case_with_its_ledger_entries_is_caught_by_the_key_and_a_checkpoint(
    target: Target,
) -> None:
    for table in ("decision_records", "approvals", "outbox", "case_embeddings"):
        target.run(f"DELETE FROM {table} WHERE case_id=%(c)s", c=target.resolved)
    target.run("DELETE FROM exception_events WHERE case_id=%(c)s", c=target.resolved)
    target.run("DELETE FROM cases WHERE case_id=%(c)s", c=target.resolved)
    target.run("DELETE FROM checkpoints WHERE thread_id=%(c)s", c=target.resolved)
    rechain_ledger(target)

    assert any("without the desk's signature" in p for p in target.problems())
    problems = target.checkpoint_problems()
    assert any("was rewritten" in p or "is gone" in p for p in problems), problems


def _forged_gate(target: Target) -> dict[str, Any]:
    """An approval_gate record approving the waiting case's proposal, as 'mallory'."""
    records = target.records(target.waiting)
    head = records[-1]
    approval = target.attacker.execute(
        "SELECT * FROM approvals WHERE case_id=%s AND status='pending'", (target.waiting,)
    ).fetchone()
    assert approval is not None
    output = GateStep(
        approval_id=approval["approval_id"],
        kind=approval["kind"],
        decision="approve",
        user="mallory",
    ).model_dump(mode="json")
    fields: dict[str, Any] = {
        **{k: head[k] for k in ("tenant_id", "case_id", "at")},
        "seq": head["seq"] + 1,
        "step": "approval_gate",
        "actor": "human:mallory",
        "inputs_digest": "0" * 64,
        "output": output,
        "confidence": None,
        "policy_results": [],
        "model": None,
        "trace_id": None,
        "span_id": None,
        "prev_hash": head["hash"],
        "hash_version": 2,
        "case_digest": None,
    }
    return fields


def _insert_record(target: Target, fields: dict[str, Any]) -> None:
    fields["hash"] = record_hash(fields)
    target.run(
        "INSERT INTO decision_records (tenant_id, case_id, seq, step_key, at, step, actor,"
        " inputs_digest, output, confidence, policy_results, model, trace_id, span_id, prev_hash,"
        " hash, hash_version, case_digest) VALUES (%(tenant_id)s, %(case_id)s, %(seq)s, %(key)s,"
        " %(at)s, %(step)s, %(actor)s, %(inputs_digest)s, %(output)s, NULL, '[]', NULL, NULL,"
        " NULL, %(prev_hash)s, %(hash)s, 2, %(case_digest)s)",
        **{
            **fields,
            "output": Jsonb(fields["output"]),
            "key": f"{fields['seq']:04d}:approval_gate",
        },
    )


def test_a_forged_approval_appended_with_a_plain_insert_is_caught(target: Target) -> None:
    fields = _forged_gate(target)
    _insert_record(target, fields)

    assert target.problems() == [
        f"case {target.waiting} record {fields['seq']}: is not signed though the records before"
        " it are: appended outside the desk"
    ]


def test_on_an_unsigned_chain_a_forged_approval_is_caught_by_its_head(target: Target) -> None:
    """A chain from before release 2 carries no signatures: the case row's head, the
    waiting case's unanchored head and the undecided approval give the forgery away."""
    target.run("UPDATE decision_records SET signature=NULL WHERE case_id=%(c)s", c=target.waiting)
    target.run("UPDATE ledger_entries SET signature=NULL")
    fields = _forged_gate(target)
    _insert_record(target, fields)

    problems = [str(p) for p in verify_tenant(target.app, TENANT).problems]
    case, seq = target.waiting, fields["seq"]
    approval_id = fields["output"]["approval_id"]
    assert problems == [
        f"case {case}: the case row's chain head (record {seq - 1}) is not its last record"
        f" ({seq}): records were added or removed behind the desk's back",
        f"case {case}: the case row says awaiting_approval but its log leaves it approved",
        f"case {case} record {seq}: approval {approval_id}'s status, decision, decided_by differ"
        " from the decision this approval_gate record holds (approve by mallory)",
        f"case {case}: is awaiting_approval but its head (record {seq}) is not anchored in the"
        f" ledger (records after {seq - 1} are not)",
    ]


def test_a_forged_approval_with_the_case_and_approval_moved_along_is_caught(
    target: Target,
) -> None:
    """The forger also decides the approval row, moves the case to approved, and commits
    the record to the case row as the desk would: the head is still not anchored, and no
    run is advancing the case."""
    fields = _forged_gate(target)
    approval_id = fields["output"]["approval_id"]
    target.run(
        "UPDATE approvals SET status='approved', decision='approve', decided_by='mallory',"
        " decided_at=now() WHERE approval_id=%(a)s",
        a=approval_id,
    )
    target.run("UPDATE cases SET status='approved' WHERE case_id=%(c)s", c=target.waiting)
    case = target.attacker.execute(
        "SELECT * FROM cases WHERE case_id=%s", (target.waiting,)
    ).fetchone()
    assert case is not None
    fields["case_digest"] = row_digest(case, PROJECTION_COLUMNS)
    _insert_record(target, fields)
    target.run(
        "UPDATE cases SET last_seq=%(s)s, last_hash=%(h)s WHERE case_id=%(c)s",
        s=fields["seq"],
        h=fields["hash"],
        c=target.waiting,
    )

    problems = target.problems()
    assert problems == [
        f"case {target.waiting} record {fields['seq']}: is not signed though the records before"
        " it are: appended outside the desk"
    ]
    # On a chain without signatures, the unanchored tail of an idle case gives it away.
    target.run("UPDATE decision_records SET signature=NULL WHERE case_id=%(c)s", c=target.waiting)
    target.run("UPDATE ledger_entries SET signature=NULL")
    unsigned = [str(p) for p in verify_tenant(target.app, TENANT).problems]
    assert unsigned == [
        f"case {target.waiting}: records {fields['seq']}..{fields['seq']} are not anchored in"
        " the ledger and no run is advancing the case: appended outside the workflow, or a run"
        " cut short (run `exdesk cases resume`, then verify again)"
    ]


def test_a_forged_approval_anchored_by_a_forged_ledger_entry_is_caught(target: Target) -> None:
    """The consistent forgery: the record, the case row, and a ledger entry anchoring it
    at the ledger's end, every hash recomputed. Only the desk's key tells it apart."""
    fields = _forged_gate(target)
    _insert_record(target, fields)
    target.run(
        "UPDATE cases SET last_seq=%(s)s, last_hash=%(h)s WHERE case_id=%(c)s",
        s=fields["seq"],
        h=fields["hash"],
        c=target.waiting,
    )
    head = target.attacker.execute(
        "SELECT seq, hash FROM ledger_heads WHERE tenant_id=%s", (TENANT,)
    ).fetchone()
    assert head is not None
    entry = {
        "tenant_id": TENANT,
        "seq": head["seq"] + 1,
        "at": fields["at"],
        "case_id": target.waiting,
        "case_seq": fields["seq"],
        "case_hash": fields["hash"],
        "reason": "awaiting_approval",
        "prev_hash": head["hash"],
    }
    entry["hash"] = ledger_hash(entry)
    target.run(
        "INSERT INTO ledger_entries (tenant_id, seq, at, case_id, case_seq, case_hash, reason,"
        " prev_hash, hash) VALUES (%(tenant_id)s, %(seq)s, %(at)s, %(case_id)s, %(case_seq)s,"
        " %(case_hash)s, %(reason)s, %(prev_hash)s, %(hash)s)",
        **entry,
    )
    target.run("UPDATE ledger_heads SET seq=%(s)s, hash=%(h)s", s=entry["seq"], h=entry["hash"])

    assert target.checkpoint_problems() == []  # appending is what the desk does too
    problems = target.problems()
    assert problems[0] == (
        f"ledger: entry {entry['seq']} is not signed though the entries before it are:"
        " appended outside the desk"
    )
    assert any("is not signed though the records before it are" in p for p in problems)


def test_stripping_a_case_of_its_signatures_is_caught(target: Target) -> None:
    target.run("UPDATE decision_records SET signature=NULL WHERE case_id=%(c)s", c=target.resolved)

    problems = target.problems()
    assert problems == [
        f"case {target.resolved} record 1: is not signed: appended outside the desk"
    ]


def test_rolling_back_the_newest_case_is_caught_only_by_an_earlier_checkpoint(
    target: Target,
) -> None:
    """The waiting case came last: removing it and its ledger entries, which end the
    ledger, leaves a ledger and chains the desk did sign. What the auditor kept tells."""
    entries = target.attacker.execute(
        "SELECT seq, case_id FROM ledger_entries WHERE tenant_id=%s ORDER BY seq", (TENANT,)
    ).fetchall()
    trailing = [e["seq"] for e in entries if e["case_id"] == target.waiting]
    assert trailing == [e["seq"] for e in entries][-len(trailing) :]
    for table in ("decision_records", "approvals", "exception_events", "cases"):
        target.run(f"DELETE FROM {table} WHERE case_id=%(c)s", c=target.waiting)
    target.run("DELETE FROM ledger_entries WHERE case_id=%(c)s", c=target.waiting)
    last = target.attacker.execute(
        "SELECT seq, hash FROM ledger_entries ORDER BY seq DESC LIMIT 1"
    ).fetchone()
    assert last is not None
    target.run("UPDATE ledger_heads SET seq=%(s)s, hash=%(h)s", s=last["seq"], h=last["hash"])

    assert target.verify().ok
    problems = target.checkpoint_problems()
    assert any("is gone: the ledger was truncated or replaced" in p for p in problems), problems


SIMPLE_ATTACKS = [
    pytest.param(
        "UPDATE approvals SET decided_by='mallory' WHERE case_id=%(resolved)s",
        "decided_by differ from the decision this approval_gate record holds",
        id="approval-decided-by",
    ),
    pytest.param(
        'UPDATE approvals SET proposal = proposal || \'{"note": "pay me"}\''
        " WHERE case_id=%(waiting)s",
        "differs from what the record that opened it committed to",
        id="approval-proposal",
    ),
    pytest.param(
        "UPDATE approvals SET required_role='finance', excluded_users='{}'"
        " WHERE case_id=%(waiting)s",
        "differs from what the record that opened it committed to",
        id="approval-role-and-exclusions",
    ),
    pytest.param(
        "UPDATE outbox SET payload = jsonb_set(payload, '{to}', '\"mallory@evil.example\"')"
        " WHERE case_id=%(resolved)s AND kind='customer_message'",
        "differs from what this execute record committed to",
        id="outbox-recipient",
    ),
    pytest.param(
        'UPDATE outbox SET payload = payload || \'{"body": "changed"}\''
        " WHERE case_id=%(resolved)s AND kind='customer_message'",
        "differs from what this execute record committed to",
        id="outbox-payload",
    ),
    pytest.param(
        "UPDATE cases SET status='resolved' WHERE case_id=%(waiting)s",
        "differs from what its last record",
        id="case-status",
    ),
    pytest.param(
        "UPDATE cases SET category='other', severity='low' WHERE case_id=%(resolved)s",
        "differs from what its last record",
        id="case-projection",
    ),
    pytest.param(
        "DELETE FROM exception_events WHERE case_id=%(waiting)s",
        "its event row is missing",
        id="event-row-deleted",
    ),
    pytest.param(
        'UPDATE exception_events SET event = event || \'{"summary": "nothing"}\''
        " WHERE case_id=%(waiting)s",
        "its event row differs from what the intake record digested",
        id="event-row-changed",
    ),
    pytest.param(
        "UPDATE exception_events SET initiated_by='someone-else' WHERE case_id=%(waiting)s",
        "initiated_by differ from its intake record",
        id="event-initiator",
    ),
    pytest.param(
        "UPDATE decision_records SET output = output || '{\"points\": 999}'"
        " WHERE case_id=%(resolved)s AND step='assess_severity'",
        "was changed (step assess_severity: hash mismatch)",
        id="record-output",
    ),
    pytest.param(
        "UPDATE decision_records SET seq = -1 WHERE case_id=%(resolved)s AND seq = 2;"
        " UPDATE decision_records SET seq = 2 WHERE case_id=%(resolved)s AND seq = 3;"
        " UPDATE decision_records SET seq = 3 WHERE case_id=%(resolved)s AND seq = -1",
        "does not link to the record before it",
        id="records-reordered",
    ),
    pytest.param(
        "DELETE FROM decision_records WHERE case_id=%(resolved)s AND seq=4",
        "is missing (the chain jumps to 5)",
        id="record-deleted-in-the-middle",
    ),
    pytest.param(
        "DELETE FROM decision_records WHERE case_id=%(resolved)s"
        " AND seq=(SELECT max(seq) FROM decision_records WHERE case_id=%(resolved)s)",
        "is anchored in the ledger but missing (deleted)",
        id="tail-deleted",
    ),
    pytest.param(
        "UPDATE decision_records SET tenant_id='globex' WHERE case_id=%(resolved)s AND seq=3",
        "record 3: belongs to another tenant",
        id="record-moved-to-another-tenant",
    ),
    pytest.param(
        "TRUNCATE ledger_entries",
        "has no anchor in the ledger",
        id="ledger-truncated",
    ),
    pytest.param(
        "UPDATE ledger_entries SET reason='resolved' WHERE seq=2",
        "ledger: entry 2 was changed (hash mismatch)",
        id="ledger-entry-rewritten",
    ),
    pytest.param(
        "UPDATE ledger_heads SET seq = seq - 1",
        "the ledger head does not match its last entry",
        id="ledger-head-moved",
    ),
    pytest.param(
        "DELETE FROM approvals WHERE case_id=%(resolved)s",
        "which is missing",
        id="approval-deleted",
    ),
    pytest.param(
        "DELETE FROM outbox WHERE case_id=%(resolved)s AND kind='remediation'",
        "committed outbox",
        id="outbox-row-deleted",
    ),
    pytest.param(
        "INSERT INTO outbox (outbox_id, tenant_id, case_id, kind, dedupe_key, payload)"
        " VALUES ('obx_forged', 'acme', %(resolved)s, 'customer_message', 'extra', '{}')",
        "outbox obx_forged was not committed by any execute record",
        id="outbox-row-added",
    ),
    pytest.param(
        "INSERT INTO approvals (approval_id, tenant_id, case_id, step_key, kind, required_role,"
        " status, proposal, reason, allowed_decisions) VALUES ('apr_forged', 'acme',"
        " %(waiting)s, 'x', 'credit', 'finance', 'approved', '{}', 'forged', '{approve}')",
        "approval apr_forged was not opened by any record",
        id="approval-added",
    ),
]


@pytest.mark.parametrize(("attack", "caught"), SIMPLE_ATTACKS)
def test_each_attack_is_caught(target: Target, attack: str, caught: str) -> None:
    for statement in attack.split(";"):
        target.run(statement, resolved=target.resolved, waiting=target.waiting)

    problems = target.problems()
    assert any(caught in p for p in problems), problems


def test_a_chain_forged_with_recomputed_hashes_still_disagrees_with_the_ledger(
    target: Target,
) -> None:
    target.run(
        "UPDATE decision_records SET actor='human:mallory', output = output ||"
        " '{\"user\": \"mallory\"}' WHERE case_id=%(c)s AND step='approval_gate'",
        c=target.resolved,
    )
    rechain_case(target, target.resolved)

    assert any("is not signed by this desk's key" in p for p in target.problems())
    unkeyed = [str(p) for p in verify_tenant(target.app, TENANT).problems]
    assert any("differs from the hash the ledger anchored" in p for p in unkeyed), unkeyed


def test_a_replaced_ledger_is_caught_by_the_key_and_an_earlier_checkpoint(target: Target) -> None:
    """The ledger rebuilt from nothing, one anchor per case head, hashes recomputed."""
    target.run("DELETE FROM ledger_entries")
    previous = GENESIS_HASH
    heads = target.attacker.execute(
        "SELECT case_id, last_seq, last_hash FROM cases ORDER BY created_at"
    ).fetchall()
    for seq, head in enumerate(heads, start=1):
        fields = {
            "tenant_id": TENANT,
            "seq": seq,
            "at": target.checkpoint.at,
            "case_id": head["case_id"],
            "case_seq": head["last_seq"],
            "case_hash": head["last_hash"],
            "reason": "created",
            "prev_hash": previous,
        }
        fields["hash"] = ledger_hash(fields)
        target.run(
            "INSERT INTO ledger_entries VALUES (%(tenant_id)s, %(seq)s, %(at)s, %(case_id)s,"
            " %(case_seq)s, %(case_hash)s, %(reason)s, %(prev_hash)s, %(hash)s)",
            **fields,
        )
        previous = fields["hash"]
    target.run("UPDATE ledger_heads SET seq=%(s)s, hash=%(h)s", s=len(heads), h=previous)

    assert verify_tenant(target.app, TENANT).ok
    assert any(
        "anchored by a ledger entry without the desk's signature" in p for p in target.problems()
    )
    problems = target.checkpoint_problems()
    assert any("is gone" in p or "was rewritten" in p for p in problems), problems


def test_an_export_verified_offline_catches_the_same(target: Target, tmp_path: Path) -> None:
    target.run(
        "UPDATE outbox SET payload = jsonb_set(payload, '{to}', '\"mallory@evil.example\"')"
        " WHERE case_id=%(c)s AND kind='customer_message'",
        c=target.resolved,
    )
    summary = export_tenant(target.app, TENANT, tmp_path / "export", target.public_key)
    report, ledger, key = verify_export(tmp_path / "export")
    assert key == target.public_key

    assert [str(p) for p in report.problems] == [str(p) for p in summary.report.problems]
    assert any("execute record committed to" in str(p) for p in report.problems)
    assert check_checkpoint(target.checkpoint, TENANT, ledger, public_key_text(AUDITOR_KEY)) == []
