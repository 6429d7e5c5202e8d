"""By default a classification searches no precedents; they are found when asked for."""

from __future__ import annotations

from exdesk.domain import ClassifyStep, NetworkSnapshot
from exdesk.service import ExceptionDesk
from exdesk.tools.precedents import PrecedentIndex
from tests.support.scenarios import open_orders, where_is_my_order
from tests.support.typed import output_of
from tests.workflows.conftest import TENANT, approve_everything


def test_by_default_classifying_searches_no_precedents_yet_they_are_found_on_request(
    loaded_desk: ExceptionDesk, example_network: NetworkSnapshot, index: PrecedentIndex
) -> None:
    desk = loaded_desk
    orders = open_orders(example_network)
    emails = {c.customer_id: c.contact.email for c in example_network.customers}
    first = desk.submit(TENANT, where_is_my_order(orders[0], emails[orders[0].customer_id], "m-1"))
    desk.advance(TENANT, first.case_id)
    approve_everything(desk, desk.case(TENANT, first.case_id))
    second = desk.submit(TENANT, where_is_my_order(orders[2], emails[orders[2].customer_id], "m-2"))
    desk.advance(TENANT, second.case_id)

    classified = next(
        d for d in desk.case(TENANT, second.case_id).decisions if d.step == "classify"
    )
    assert output_of(classified, ClassifyStep).evidence.precedents == []
    assert [p.case_id for p in desk.similar_cases(TENANT, second.case_id, k=5)] == [first.case_id]
