"""A case that closes through the workflow becomes a precedent for the next similar case."""

from __future__ import annotations

import pytest

from exdesk.domain import ClassifyStep, NetworkSnapshot
from exdesk.service import ExceptionDesk
from exdesk.settings import Settings
from exdesk.tools.precedents import PrecedentIndex
from exdesk.tools.precedents.store import index_exists
from tests.support.scenarios import open_orders, short_pick, where_is_my_order
from tests.support.typed import output_of
from tests.workflows.conftest import TENANT, approve_everything


@pytest.fixture
def settings(settings: Settings) -> Settings:
    """Precedents searched while classifying and recorded beside the classification."""
    return settings.model_copy(update={"precedents_in_evidence": True})


def test_a_resolved_case_is_found_as_the_precedent_of_a_similar_one(
    loaded_desk: ExceptionDesk, example_network: NetworkSnapshot, index: PrecedentIndex
) -> None:
    desk = loaded_desk
    orders = open_orders(example_network)
    emails = {c.customer_id: c.contact.email for c in example_network.customers}
    first = desk.submit(TENANT, where_is_my_order(orders[0], emails[orders[0].customer_id], "m-1"))
    desk.advance(TENANT, first.case_id)
    closed = approve_everything(desk, desk.case(TENANT, first.case_id))
    assert closed.status == "resolved"
    other = desk.submit(TENANT, short_pick(orders[1], "wms-1"))
    desk.advance(TENANT, other.case_id)
    second = desk.submit(TENANT, where_is_my_order(orders[2], emails[orders[2].customer_id], "m-2"))
    desk.advance(TENANT, second.case_id)

    [precedent] = desk.similar_cases(TENANT, second.case_id, k=5)
    classified = next(
        d for d in desk.case(TENANT, second.case_id).decisions if d.step == "classify"
    )
    [evidence] = output_of(classified, ClassifyStep).evidence.precedents
    first_classified = next(d for d in closed.decisions if d.step == "classify")

    assert precedent.case_id == first.case_id
    assert precedent.category == "customer_inquiry"
    assert precedent.status == "resolved"
    assert precedent.approved_by == ["cs_rep-0"]
    assert evidence.case_id == first.case_id
    assert evidence.category == "customer_inquiry"
    assert evidence.similarity == pytest.approx(precedent.similarity, abs=1e-3)
    assert output_of(first_classified, ClassifyStep).evidence.precedents == []


def test_a_warmed_up_desk_has_its_precedent_index_before_any_case_closes(
    desk: ExceptionDesk,
) -> None:
    """``exdesk worker`` warms up before taking jobs: the first case to close must not wait
    seconds for the embedder to be fitted and its HNSW index built."""
    space = desk.precedents.space
    with desk.db.connection() as conn:
        assert not index_exists(conn, space)
    desk.warm_up()
    with desk.db.connection() as conn:
        assert index_exists(conn, space)
