"""Informational events (issue 8): routine progress closes with ``resolution = no_action``
and no proposal under the tenant's ``close_informational`` policy; off, a person sees it."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from exdesk.agents.registry import AgentSet
from exdesk.domain import ExceptionEvent
from exdesk.service import ExceptionDesk
from exdesk.settings import Settings
from tests.support.scenarios import policy_file
from tests.support.small_network import event, small_network
from tests.workflows.conftest import TENANT, first_stop, pending


def accepted_997(event_id: str) -> ExceptionEvent:
    """A partner's 997 accepting our 856: routine, nothing to do."""
    return event(
        event_id,
        "997 functional acknowledgment received for 856 ASN group 4711: AK9*A*1*1*1",
        source="edi",
        attributes={"x12_group_ack_code": "A"},
    )


@pytest.fixture
def desk_with(settings: Settings, agents: AgentSet, tmp_path: Path) -> Iterator[ExceptionDesk]:
    """A desk whose tenant switched ``close_informational`` off."""
    custom = settings.model_copy(
        update={"policy_file": policy_file(tmp_path, close_informational=False)}
    )
    with ExceptionDesk.open(custom, agents=agents) as opened:
        opened.load_network(TENANT, small_network())
        yield opened


def test_routine_progress_closes_with_no_action_and_its_record(desk: ExceptionDesk) -> None:
    desk.load_network(TENANT, small_network())

    case = first_stop(desk, accepted_997("EDI-1"))

    assert case.status == "resolved"
    assert case.resolution == "no_action"
    assert case.approvals == []
    assert case.actions == []
    assert case.classification is not None
    assert case.classification.informational
    [closed] = [d for d in case.decisions if d.step == "route"]
    assert closed.policy_results[0].policy_id == "close-informational"
    [resolved] = [d for d in case.decisions if d.step == "resolve"]
    assert "close_informational" in (getattr(resolved.output, "note", None) or "")


def test_with_the_policy_off_a_person_sees_it(desk_with: ExceptionDesk) -> None:
    case = first_stop(desk_with, accepted_997("EDI-2"))

    assert case.status == "awaiting_approval"
    assert pending(case).kind == "classification"
    assert case.resolution is None


def test_routine_progress_from_a_look_alike_sender_is_not_closed_unseen(
    desk: ExceptionDesk,
) -> None:
    desk.load_network(TENANT, small_network())
    forged = accepted_997("EDI-3").model_copy(
        update={
            "source": "email",
            "summary": "From: edi@canyon-castlngs.example.net\n\n" + accepted_997("EDI-3").summary,
        }
    )

    case = first_stop(desk, forged)

    assert case.status == "awaiting_approval"
    assert case.resolution is None
