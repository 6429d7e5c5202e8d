"""The local classifier: what it proposes, how sure it says it is, and why."""

from __future__ import annotations

import numpy as np
import pytest

from exdesk.agents.classifier.contract import ClassificationRequest
from exdesk.agents.classifier.corpus import training_examples
from exdesk.agents.classifier.features import STOP_WORDS, feature_row
from exdesk.agents.classifier.local import LocalClassifier
from exdesk.agents.classifier.verdict import OOD_CEILING
from exdesk.domain import CATEGORIES, Category, ClassificationProposal, Document, EventSource
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
    by_category = classifier.model.category_probabilities(probabilities)

    assert set(classifier.model.classes) == {*CATEGORIES, "routine"}
    assert np.allclose(probabilities.sum(axis=1), 1.0)
    assert by_category.shape == (2, len(CATEGORIES))
    assert np.allclose(by_category.sum(axis=1), 1.0)


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


TA1_ACCEPTED = (
    "ISA*00*          *00*          *ZZ*NORTHWIND      *ZZ*US             *260312*0815*U*"
    "00401*000000733*0*P*>~TA1*000004417*260311*2210*A*000~IEA*0*000000733~"
)


@pytest.mark.parametrize(
    "summary",
    [
        "Out For Delivery",
        "Arrived at Facility",
        "Shipper created a label, UPS has not received the package yet",
    ],
)
def test_routine_progress_is_informational(classifier: LocalClassifier, summary: str) -> None:
    proposal = classifier.classify(ClassificationRequest(event=event(summary, "carrier"))).output

    assert (proposal.category, proposal.informational) == ("other", True)
    assert proposal.signal is None
    assert "routine progress" in proposal.rationale


def test_a_code_decides_and_is_named(classifier: LocalClassifier) -> None:
    vacant = event(
        "Return to Sender - Vacant",
        "carrier",
        attributes={"carrier": "usps", "carrier_status_code": "26"},
    )
    en_route = event("AT7*X6*AJ***20260312*0815*ET~", "carrier")

    first, second = (o.output for o in classifier.classify_many([vacant, en_route]))

    assert (first.category, first.signal) == ("address_issue", "carrier:usps/26")
    assert (second.category, second.signal) == ("carrier_delay", "x12-214:X6/AJ")
    assert second.confidence >= 0.9
    assert "decided by x12-214:X6/AJ" in second.rationale


def test_an_accepting_ta1_saying_no_error_is_informational(classifier: LocalClassifier) -> None:
    ack = event(
        "Interchange acknowledgment: No error",
        "edi",
        document=Document(kind="x12", name="ta1.edi", content=TA1_ACCEPTED),
    )

    proposal = classifier.classify(ClassificationRequest(event=ack)).output

    assert (proposal.category, proposal.informational, proposal.signal) == (
        "other",
        True,
        "ta1:TA104=A",
    )


def test_a_word_of_trouble_keeps_a_routine_code_from_closing_the_event(
    classifier: LocalClassifier,
) -> None:
    crushed = event(
        "Out for delivery, but the driver reports the box is crushed and leaking",
        "carrier",
        attributes={"carrier": "usps", "carrier_status_code": "OF"},
    )

    proposal = classifier.classify(ClassificationRequest(event=crushed)).output

    assert not proposal.informational
    assert proposal.signal == "carrier:usps/OF"


@pytest.mark.parametrize(
    ("category", "source", "summary"),
    [
        (
            "return_request",
            "carrier",
            "The receiver does not want the product and refused the delivery.",
        ),
        (
            "duplicate_order",
            "edi",
            "Inbound 850 from HARBORVIEW: PO 7781902 is already on file as sales order 55190. "
            "The partner sent it again.",
        ),
        (
            "shipment_damaged",
            "email",
            "Bonjour, la palette est arrivée avec le film arraché et trois cartons écrasés, "
            "la marchandise est inutilisable.",
        ),
    ],
)
def test_what_really_arrives(
    classifier: LocalClassifier, category: Category, source: EventSource, summary: str
) -> None:
    proposal = classifier.classify(ClassificationRequest(event=event(summary, source))).output

    assert proposal.category == category, proposal.rationale
    assert not proposal.informational


@pytest.mark.parametrize(
    "summary",
    [
        "Dzień dobry, paczka dotarła uszkodzona, proszę o zwrot pieniędzy za zamówienie.",
        "??",
    ],
)
def test_what_the_classifier_cannot_read_goes_to_a_person(
    classifier: LocalClassifier, summary: str
) -> None:
    proposal = classifier.classify(ClassificationRequest(event=event(summary))).output

    assert proposal.out_of_distribution
    assert proposal.confidence <= OOD_CEILING
    assert not proposal.informational


def test_a_proposal_of_the_first_release_reads_with_the_new_fields_at_their_defaults() -> None:
    proposal = ClassificationProposal.model_validate_json(
        '{"category": "carrier_delay", "confidence": 0.9, "rationale": "r", "alternatives": {}}'
    )

    assert (proposal.informational, proposal.signal, proposal.out_of_distribution) == (
        False,
        None,
        False,
    )
