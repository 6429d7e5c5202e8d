"""The deterministic proposals: credit exposure against the limit, and what to do about a
document."""

from __future__ import annotations

from decimal import Decimal

import pytest

from exdesk.domain import CATEGORIES, Category
from exdesk.domain.context import CaseContext
from exdesk.workflows.credit import review_credit
from exdesk.workflows.documents import propose_resolution
from tests.support.factories import (
    make_ack_error,
    make_customer,
    make_discrepancy,
    make_event,
    make_extraction,
    make_line,
    make_order,
)

# --- review_credit ------------------------------------------------------------------------


def _credit_context(
    *, limit: str = "10000.00", balance: str = "9000.00", order_total: str | None = "1000.00"
) -> CaseContext:
    customer = make_customer(credit_limit=limit, balance=balance)
    order = None
    if order_total is not None:
        order = make_order(lines=[make_line(1, "SKU-1", 1, order_total)])
    return CaseContext(customer=customer, order=order)


@pytest.mark.parametrize(
    ("order_total", "action", "exposure"),
    [
        ("999.99", "release_hold", "9999.99"),
        ("1000.00", "release_hold", "10000.00"),
        ("1000.01", "keep_hold", "10000.01"),
        ("5000.00", "keep_hold", "14000.00"),
        ("0.01", "release_hold", "9000.01"),
    ],
)
def test_release_only_within_the_limit_to_the_cent(
    order_total: str, action: str, exposure: str
) -> None:
    review = review_credit(_credit_context(order_total=order_total))
    assert review.action == action
    assert review.exposure == Decimal(exposure)
    assert review.order_value == Decimal(order_total)


def test_exactly_at_the_limit_says_within_by_nothing() -> None:
    review = review_credit(_credit_context(order_total="1000.00"))
    assert "within the limit 10000.00 by 0.00 USD" in review.rationale


def test_one_cent_over_says_over_by_one_cent() -> None:
    review = review_credit(_credit_context(order_total="1000.01"))
    assert "over the limit 10000.00 by 0.01 USD" in review.rationale
    assert "balance 9000.00 + order 1000.01 = exposure 10000.01" in review.rationale


def test_the_review_carries_the_figures_as_decimals() -> None:
    review = review_credit(_credit_context())
    assert review.customer_id == "C-1"
    assert review.order_id == "SO-1001"
    assert review.credit_limit == Decimal("10000.00")
    assert review.balance == Decimal("9000.00")
    for amount in (review.credit_limit, review.balance, review.order_value, review.exposure):
        assert isinstance(amount, Decimal)


def test_order_value_sums_every_line() -> None:
    order = make_order(lines=[make_line(1, "SKU-1", 3, "19.99"), make_line(2, "SKU-2", 10, "0.10")])
    review = review_credit(CaseContext(customer=make_customer(balance="0"), order=order))
    assert review.order_value == Decimal("60.97")
    assert review.exposure == Decimal("60.97")


def test_sub_cent_prices_are_rounded_to_the_cent_before_comparing() -> None:
    # 3 x 0.3333 = 0.9999, which is 1.00 to the cent: exactly the limit.
    order = make_order(lines=[make_line(1, "SKU-1", 3, "0.3333")])
    context = CaseContext(customer=make_customer(credit_limit="1.00", balance="0"), order=order)
    review = review_credit(context)
    assert review.order_value == Decimal("1.00")
    assert review.action == "release_hold"


def test_a_credit_balance_makes_room_for_the_order() -> None:
    review = review_credit(_credit_context(balance="-500.00", order_total="10500.00"))
    assert review.exposure == Decimal("10000.00")
    assert review.action == "release_hold"


def test_a_zero_limit_holds_any_order() -> None:
    review = review_credit(_credit_context(limit="0", balance="0", order_total="0.01"))
    assert review.action == "keep_hold"


def test_without_an_order_the_balance_alone_is_the_exposure() -> None:
    review = review_credit(_credit_context(balance="10000.01", order_total=None))
    assert review.order_id is None
    assert review.order_value == Decimal(0)
    assert review.exposure == Decimal("10000.01")
    assert review.action == "keep_hold"


def test_the_customers_currency_is_reported() -> None:
    context = CaseContext(customer=make_customer(currency="EUR"), order=make_order(currency="EUR"))
    review = review_credit(context)
    assert review.currency == "EUR"
    assert review.rationale.endswith("EUR")


@pytest.mark.parametrize("with_order", [True, False])
def test_an_unknown_customer_keeps_the_hold_for_finance(with_order: bool) -> None:
    order = make_order() if with_order else None
    review = review_credit(CaseContext(order=order))
    assert review.action == "keep_hold"
    assert review.customer_id is None
    assert review.order_id == ("SO-1001" if with_order else None)
    assert review.exposure is None
    assert review.credit_limit is None
    assert "could not be identified" in review.rationale


def test_an_order_in_another_currency_is_not_released_on_a_mixed_sum() -> None:
    # 400 USD is tens of thousands of yen, far over the headroom of 500 JPY; added as if it
    # were 400 yen it fits.
    customer = make_customer(credit_limit="1000000", balance="999500", currency="JPY")
    order = make_order(lines=[make_line(1, "SKU-1", 1, "400.00")], currency="USD")
    review = review_credit(CaseContext(customer=customer, order=order))
    assert review.action == "keep_hold"


# --- propose_resolution -------------------------------------------------------------------


def test_an_unreadable_document_is_left_to_a_person() -> None:
    resolution = propose_resolution("document_mismatch", None, "not an X12 interchange")
    assert resolution.action == "record_only"
    assert resolution.partner_message is None
    assert "not an X12 interchange" in resolution.rationale


@pytest.mark.parametrize("category", [c for c in CATEGORIES if c != "integration_failure"])
def test_a_clean_document_is_accepted(category: Category) -> None:
    resolution = propose_resolution(category, make_extraction(), None)
    assert resolution.action == "accept_document"
    assert resolution.partner_message is None


@pytest.mark.parametrize("status", ["accepted", "accepted_with_errors", None])
def test_an_accepted_transmission_without_discrepancies_is_accepted(status: str | None) -> None:
    extraction = make_extraction("functional_ack", ack_status=status)
    assert propose_resolution("document_mismatch", extraction, None).action == "accept_document"


@pytest.mark.parametrize("status", ["rejected", "partially_accepted"])
def test_a_rejection_of_what_we_sent_is_fixed_and_resent_by_our_edi_team(status: str) -> None:
    errors = [make_ack_error("I12", "invalid control number"), make_ack_error("5", "bad date")]
    extraction = make_extraction("functional_ack", ack_status=status, ack_errors=errors)
    resolution = propose_resolution("document_mismatch", extraction, None)
    assert resolution.action == "fix_and_resend"
    assert resolution.party == "edi_team"
    assert resolution.partner_message is not None
    assert "I12 invalid control number; 5 bad date" in resolution.partner_message
    assert "please correct" not in resolution.partner_message.lower()
    assert status in resolution.rationale


def test_an_integration_failure_is_resubmitted_even_without_an_ack_status() -> None:
    resolution = propose_resolution("integration_failure", make_extraction(), None)
    assert resolution.action == "resubmit_transmission"
    assert resolution.party == "partner"
    assert resolution.partner_message is not None
    assert "see the acknowledgment" in resolution.partner_message
    assert "status not given" in resolution.rationale


def test_at_most_five_ack_errors_are_quoted() -> None:
    errors = [make_ack_error(f"E{i}", f"problem {i}") for i in range(1, 8)]
    extraction = make_extraction("functional_ack", ack_status="rejected", ack_errors=errors)
    message = propose_resolution("integration_failure", extraction, None).partner_message
    assert message is not None
    assert "E5 problem 5" in message
    assert "E6" not in message


def test_resubmission_wins_over_discrepancies() -> None:
    extraction = make_extraction(
        ack_status="rejected", discrepancies=[make_discrepancy("qty differs")]
    )
    assert propose_resolution("document_mismatch", extraction, None).action == (
        "resubmit_transmission"
    )


def test_discrepancies_ask_for_a_corrected_document_naming_the_po() -> None:
    extraction = make_extraction(
        "ship_notice",
        po_number="PO-4500",
        discrepancies=[make_discrepancy("line 1 qty 10 vs 8"), make_discrepancy("extra SKU-9")],
    )
    resolution = propose_resolution("document_mismatch", extraction, None)
    assert resolution.action == "request_corrected_document"
    assert resolution.partner_message is not None
    assert resolution.partner_message.startswith("The ship notice for PO-4500 does not match")
    assert "line 1 qty 10 vs 8; extra SKU-9" in resolution.partner_message
    assert resolution.party == "partner"
    assert resolution.rationale == "2 discrepancies in the partner's document"


@pytest.mark.parametrize(
    ("po_number", "invoice_number", "reference"),
    [("PO-1", "INV-1", "PO-1"), (None, "INV-1", "INV-1"), (None, None, "the order")],
)
def test_the_partner_message_names_the_best_reference(
    po_number: str | None, invoice_number: str | None, reference: str
) -> None:
    extraction = make_extraction(
        po_number=po_number, invoice_number=invoice_number, discrepancies=[make_discrepancy()]
    )
    message = propose_resolution("document_mismatch", extraction, None).partner_message
    assert message is not None
    assert f"The invoice for {reference} does not match" in message


def test_at_most_ten_discrepancies_are_listed() -> None:
    many = [make_discrepancy(f"issue {i:02d}") for i in range(1, 13)]
    resolution = propose_resolution("document_mismatch", make_extraction(discrepancies=many), None)
    assert resolution.partner_message is not None
    assert "issue 10" in resolution.partner_message
    assert "issue 11" not in resolution.partner_message
    assert resolution.rationale == "12 discrepancies in the partner's document"


@pytest.mark.parametrize(
    ("attributes", "names"),
    [
        ({"http_status": 503, "endpoint": "/v2/orders/acks"}, "our call to /v2/orders/acks"),
        ({"http_status": 429, "carrier": "UPSN"}, "our calls to UPSN's API"),
    ],
)
def test_a_failed_call_of_ours_with_no_document_is_retried_by_our_integration_team(
    attributes: dict[str, object], names: str
) -> None:
    event = make_event("Connector error: the partner API answered an error", attributes=attributes)
    resolution = propose_resolution("integration_failure", None, "no document", event)
    assert (resolution.action, resolution.party) == ("retry_transmission", "edi_team")
    assert resolution.partner_message is not None
    assert resolution.partner_message.startswith(f"Retry {names}")
    assert "Nothing is to be sent to the partner" in resolution.partner_message
