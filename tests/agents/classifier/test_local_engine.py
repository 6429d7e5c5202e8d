"""The local classifier: what it proposes, how sure it says it is, and why."""

from __future__ import annotations

import numpy as np
import pytest

from exdesk.agents.classifier.contract import ClassificationRequest
from exdesk.agents.classifier.corpus import training_examples
from exdesk.agents.classifier.features import STOP_WORDS, feature_row
from exdesk.agents.classifier.local import LocalClassifier
from exdesk.domain import CATEGORIES, Category, Document, EventSource
from exdesk.evals.corpus import heldout_examples
from tests.agents.classifier.builders import event

CLEAR_EVENTS: list[tuple[Category, EventSource, str]] = [
    (
        "inventory_shortage",
        "wms",
        "PICK SHORT ord 7731 line 3 SKU BX-220 need 40 got 25, bin empty",
    ),
    (
        "inventory_shortage",
        "erp",
        "Allocation failed for sales order 88120: insufficient available-to-promise stock, "
        "backorder created for 60 units",
    ),
    (
        "carrier_delay",
        "carrier",
        "Shipment delayed by severe weather at the Chicago hub. New estimated delivery Friday.",
    ),
    (
        "carrier_delay",
        "tms",
        "Carrier no-show for scheduled pickup 07:00-10:00 at DC-EWR, load rebooked for tomorrow",
    ),
    (
        "shipment_damaged",
        "email",
        "The pallet arrived with the wrap torn and four cartons crushed, the glassware inside "
        "is broken. Photos attached. Please replace the damaged goods.",
    ),
    (
        "shipment_damaged",
        "carrier",
        "Exception: freight damaged in transit, forklift puncture noted at destination terminal",
    ),
    (
        "shipment_lost",
        "carrier",
        "Tracer closed: shipment cannot be located at any terminal. Presumed lost in transit.",
    ),
    (
        "shipment_lost",
        "email",
        "Tracking says delivered last Monday but nobody here received it and the signature is "
        "not anyone from our company. Where is our package?",
    ),
    (
        "address_issue",
        "carrier",
        "Undeliverable: invalid street address, suite number missing. Returning to sender.",
    ),
    (
        "address_issue",
        "email",
        "Please change the ship-to address on my order before it ships, I have moved to "
        "14 Larch Street, Springfield.",
    ),
    (
        "document_mismatch",
        "erp",
        "Invoice price variance: invoice unit price 12.40 vs purchase order price 11.90 on line 2",
    ),
    (
        "document_mismatch",
        "edi",
        "ASN quantity 96 does not match PO quantity 120 for line 4, receipt blocked",
    ),
    (
        "integration_failure",
        "edi",
        "997 functional acknowledgment rejected: AK5*R, segment errors in the 856 sent to "
        "partner NORTHWIND",
    ),
    (
        "integration_failure",
        "tms",
        "Partner API call failed with HTTP 503 Service Unavailable after 3 retries, "
        "tender not delivered",
    ),
    (
        "credit_hold",
        "erp",
        "Order blocked by credit check: customer balance exceeds credit limit, finance review "
        "required",
    ),
    (
        "credit_hold",
        "email",
        "Your card payment was declined for our order, the authorisation failed twice.",
    ),
    (
        "duplicate_order",
        "erp",
        "Possible duplicate sales order: same customer PO number already entered on another "
        "order with identical lines",
    ),
    (
        "duplicate_order",
        "email",
        "Oops, we submitted the same order twice by mistake. Please cancel the second one.",
    ),
    (
        "return_request",
        "email",
        "I want to return the heater, it stopped working after a week. Please send an RMA "
        "and a return label for a refund.",
    ),
    (
        "return_request",
        "portal",
        "Subject: Wrong item\nDescription: you sent size small, I ordered large. I want to "
        "exchange it.",
    ),
    (
        "customer_inquiry",
        "email",
        "Hi, where is my order? Could you send me the tracking number and expected delivery "
        "date? Thanks",
    ),
    (
        "customer_inquiry",
        "crm",
        "Customer called asking for the status of their open order and a copy of the invoice",
    ),
    (
        "other",
        "email",
        "Our offices will be closed for the national holiday next Monday. Happy holidays from "
        "all of us!",
    ),
    (
        "other",
        "email",
        "Please find attached our new product catalogue and price list for the spring season.",
    ),
]


def test_training_is_deterministic(classifier: LocalClassifier) -> None:
    again = LocalClassifier.train_on(training_examples())
    rows = [feature_row(e.to_event()) for e in heldout_examples()[:60]]

    assert np.array_equal(classifier.model.probabilities(rows), again.model.probabilities(rows))
    assert classifier.model.temperature == again.model.temperature


def test_confidence_is_a_probability_and_alternatives_leave_room_for_it(
    classifier: LocalClassifier,
) -> None:
    outcomes = classifier.classify_many([e.to_event() for e in heldout_examples()])

    for outcome in outcomes:
        proposal = outcome.output
        assert 0.0 <= proposal.confidence <= 1.0
        assert proposal.category not in proposal.alternatives
        assert len(proposal.alternatives) == 3
        assert all(0.0 <= p <= proposal.confidence for p in proposal.alternatives.values())
        assert proposal.confidence + sum(proposal.alternatives.values()) <= 1.0 + 1e-3


def test_the_model_gives_a_full_distribution_over_the_taxonomy(
    classifier: LocalClassifier,
) -> None:
    rows = [feature_row(event("Where is my order?")), feature_row(event("pls check"))]
    probabilities = classifier.model.probabilities(rows)

    assert set(classifier.model.classes) == set(CATEGORIES)
    assert np.allclose(probabilities.sum(axis=1), 1.0)


@pytest.mark.parametrize(("category", "source", "summary"), CLEAR_EVENTS)
def test_each_category_is_learnable(
    classifier: LocalClassifier, category: Category, source: EventSource, summary: str
) -> None:
    outcome = classifier.classify(ClassificationRequest(event=event(summary, source)))

    assert outcome.output.category == category, outcome.output.rationale


def test_one_at_a_time_agrees_with_the_batch(classifier: LocalClassifier) -> None:
    events = [event(summary, source) for _, source, summary in CLEAR_EVENTS]
    batch = classifier.classify_many(events)
    single = [classifier.classify(ClassificationRequest(event=e)) for e in events]

    assert [o.output for o in batch] == [o.output for o in single]


def test_an_event_with_no_references_is_classified(classifier: LocalClassifier) -> None:
    note = event("FWD: customer says the boxes came soaked and the contents are ruined")
    assert (note.order_id, note.shipment_id, note.customer_id) == (None, None, None)

    outcome = classifier.classify(ClassificationRequest(event=note))

    assert outcome.output.category == "shipment_damaged"
    assert outcome.agent == "classifier"
    assert outcome.actor == "agent:classifier@local"


def test_an_event_carrying_an_x12_document_is_classified(classifier: LocalClassifier) -> None:
    ack = (
        "ISA*00*          *00*          *ZZ*PARTNER        *ZZ*US             *260302*0930*U*"
        "00401*000000311*0*P*>~GS*FA*PARTNER*US*20260302*0930*311*X*004010~ST*997*0001~"
        "AK1*SH*4471~AK2*856*0001~AK3*HL*4**3~AK5*R*5~AK9*R*1*1*0~SE*7*0001~GE*1*311~"
        "IEA*1*000000311~"
    )
    notice = event(
        "Functional acknowledgment received from PARTNER for our ship notice",
        "edi",
        order_id="PO-4471",
        document=Document(kind="x12", name="997_partner.edi", content=ack),
    )

    outcome = classifier.classify(ClassificationRequest(event=notice))

    assert outcome.output.category == "integration_failure"


def test_an_event_carrying_a_text_document_is_classified(classifier: LocalClassifier) -> None:
    invoice = (
        "INVOICE 2026-0412\nBill to: Harbor Tools\nPO number: 4500077311\n"
        "Line 1  Hex bolt M10  qty 500  unit 0.42  total 210.00\n"
        "Line 2  Washer M10    qty 500  unit 0.05  total 25.00\n"
    )
    notice = event(
        "Three-way match failed: invoice quantity 500 vs goods receipt 400 on PO 4500077311",
        "erp",
        document=Document(kind="text", name="invoice-2026-0412.txt", content=invoice),
    )

    outcome = classifier.classify(ClassificationRequest(event=notice))

    assert outcome.output.category == "document_mismatch"


def test_rationale_names_evidence_terms_that_are_not_stop_words(
    classifier: LocalClassifier,
) -> None:
    wordy = event(
        "Hello, this is to let you know that the order that we placed with you on the 3rd of "
        "the month was short picked: the warehouse had only 8 of the 20 units and it is on "
        "backorder now. Thanks"
    )

    outcome = classifier.classify(ClassificationRequest(event=wordy))
    terms = outcome.evidence.terms

    assert terms
    for term in terms:
        assert not any(word in STOP_WORDS for word in term.split()), term
        assert repr(term) in outcome.output.rationale
    assert outcome.output.category in outcome.output.rationale
