"""The claim checker on hand-written and edited drafts: every stated value must be a fact of
the case, in the role its sentence gives it; what a draft says of the delivery must agree
with the facts. English, Spanish, German and French."""

from __future__ import annotations

import pytest

from exdesk.agents.customer_drafter import LocalCustomerDrafter
from exdesk.domain import CustomerDraft, DraftRequest, Fact, FactUsed
from exdesk.policies.claims import ClaimViolation, check_claims, claims_review, read_claims
from exdesk.policies.config import load_policy_config
from tests.agents.customer_drafter.builders import (
    DELIVERED_CASE,
    FULL_FACTS,
    LATE_FACTS,
    LINE_FACTS,
    ORDER_FACTS,
    RETURN_FACTS,
    fact,
    request,
    without,
)

DRAFTER = LocalCustomerDrafter()


def _draft(
    body: str, *, locale: str = "en-US", facts_used: list[FactUsed] | None = None
) -> CustomerDraft:
    return CustomerDraft(
        locale=locale,
        subject="Your order SO-10042",
        body=f"Dear Maria Lopez,\n\n{body}\n\nKind regards,\nCustomer Service",
        facts_used=facts_used or [],
    )


def _check(
    body: str, facts: tuple[Fact, ...] = FULL_FACTS, locale: str = "en-US"
) -> list[ClaimViolation]:
    return check_claims(_draft(body, locale=locale), request(facts=facts, locale=locale))


def _codes(body: str, facts: tuple[Fact, ...] = FULL_FACTS, locale: str = "en-US") -> set[str]:
    return {v.code for v in _check(body, facts, locale)}


@pytest.mark.parametrize(
    ("locale", "body"),
    [
        ("en-US", "11 of the 35 Blue Widget, Steel, 3/8 in you ordered are not available yet."),
        ("en-US", "We shipped 24 units; the remaining 11 follow from another warehouse."),
        ("en-US", "Your order has been delayed in transit with XPO, tracking number 527779200."),
        ("en-US", "We are upgrading it to a faster service with Crossroads; we expect it on 3/12."),
        ("en-US", "We now expect to deliver your order on March 12, 2025, ahead of March 14."),
        ("en-GB", "XPO expects to deliver it on 13 March 2025, within the date we promised."),
        ("en-US", "Return authorization RMA-5521 covers 5 of the 35; the window is 30 days."),
        ("en-US", "Order SO-10042, PO PO-77812, item BW-100: thank you for your patience."),
        ("es-MX", "Su pedido se ha retrasado durante el transporte con XPO."),
        ("es-ES", "Faltan 11 de las 35 unidades pedidas; llegarán el 12 de marzo de 2025."),
        ("de-DE", "Wir erwarten die Zustellung am 12.03.2025, also vor dem 14. März 2025."),
        ("de-DE", "Die Sendung wurde beim Transport mit XPO aufgehalten."),
        ("fr-FR", "Nous prévoyons de livrer votre commande le 12 mars 2025."),
        ("fr-FR", "Il manque 11 des 35 articles commandés."),
        ("en-US", "Your account team would be glad to set up a call; it was delayed twice."),
    ],
)
def test_an_honest_draft_passes(locale: str, body: str) -> None:
    assert _check(body, locale=locale) == []


@pytest.mark.parametrize(
    ("code", "body", "locale"),
    [
        # quantities, in the role the sentence gives them
        ("unbacked_quantity", "We shipped 35 units of Blue Widget.", "en-US"),
        ("unbacked_quantity", "35 boxes are not available to ship as planned.", "en-US"),
        ("unbacked_quantity", "We can ship 1,500 units instead.", "en-US"),
        ("unbacked_quantity", "A restocking fee of 15% applies.", "en-US"),
        ("unbacked_quantity", "Please send them back within 14 days.", "en-US"),
        ("unbacked_quantity", "No están disponibles 35 unidades.", "es-ES"),
        ("unbacked_quantity", "Le enviamos seis cajas.", "es-ES"),
        ("unbacked_quantity", "Es fehlen 1.500 Stück.", "de-DE"),
        ("unbacked_quantity", "Il manque 1\u202f500 articles.", "fr-FR"),
        # dates, in every way they are written
        ("unbacked_date", "We now expect to deliver it on November 20, 2026.", "en-US"),
        ("unbacked_date", "It is due on 2025-03-20.", "en-US"),
        ("unbacked_date", "It is due on 03/20/2025.", "en-US"),
        ("unbacked_date", "Esperamos entregarlo el 20 de marzo de 2025.", "es-MX"),
        ("unbacked_date", "Die Zustellung wird am 20.03.2025 erwartet.", "de-DE"),
        ("unbacked_date", "Die Zustellung erfolgt am 20. März.", "de-DE"),
        ("unbacked_date", "Votre commande sera livrée le 20 mars 2025.", "fr-FR"),
        ("relative_date", "It will arrive tomorrow.", "en-US"),
        ("relative_date", "Su pedido llegará mañana.", "es-ES"),
        ("relative_date", "Die Sendung kommt am Montag.", "de-DE"),
        ("relative_date", "Elle arrivera demain.", "fr-FR"),
        # money: no amount is a fact of this case
        ("unbacked_money", "We will credit you $120.00.", "en-US"),
        ("unbacked_money", "Le abonaremos 120,00 €.", "es-ES"),
        ("unbacked_money", "A fee of USD 75 applies.", "en-US"),
        ("unbacked_money", "That comes to 75 dollars.", "en-US"),
        # identifiers of nothing in this case
        ("unbacked_identifier", "Your order SO-99881 has shipped.", "en-US"),
        ("unbacked_identifier", "Order #4471 has shipped.", "en-US"),
        ("unbacked_identifier", "Tracking 9400111899223100001234 shows it moving.", "en-US"),
        ("unbacked_identifier", "El pedido 5582 ya salió.", "es-ES"),
        # carriers: the late shipment's own, the replacement's own
        ("unbacked_carrier", "Your order was delayed in transit with Crossroads.", "en-US"),
        ("unbacked_carrier", "Your order was delayed in transit with FedEx.", "en-US"),
        ("unbacked_carrier", "We are sending a replacement with UPS.", "en-US"),
        ("unbacked_carrier", "Su pedido se ha retrasado durante el transporte con UPS.", "es-ES"),
        ("unbacked_carrier", "Wir senden Ihnen eine Ersatzlieferung mit XPO.", "de-DE"),
        # what is said of the delivery
        ("late_claim", "Your order is running late.", "en-US"),
        ("late_claim", "Su pedido llegará con retraso.", "es-MX"),
        ("late_claim", "Ihre Bestellung verspätet sich.", "de-DE"),
        ("late_claim", "Votre commande est en retard.", "fr-FR"),
        ("asks_known_order", "Could you reply with your order number?", "en-US"),
        ("asks_known_order", "¿Podría indicarnos su número de pedido?", "es-ES"),
        ("asks_known_order", "Bitte antworten Sie mit Ihrer Bestellnummer.", "de-DE"),
        ("asks_known_order", "Pourriez-vous nous indiquer votre numéro de commande ?", "fr-FR"),
    ],
)
def test_each_kind_of_unbacked_claim_is_caught(code: str, body: str, locale: str) -> None:
    assert _codes(body, locale=locale) == {code}


def test_the_message_names_the_sentence_and_the_fact_it_contradicts() -> None:
    (violation,) = _check("We shipped 35 units.")
    assert violation.message == (
        '"We shipped 35 units." states 35 where order:SO-10042/line:2 quantity available is 24'
    )
    assert violation.fact is not None
    assert violation.fact.name == "available_qty"
    (short,) = _check("35 boxes are not available.")
    assert short.message.endswith("where order:SO-10042/line:2 short quantity is 11")


def test_a_wrong_carrier_names_the_shipments_carrier() -> None:
    (violation,) = _check("Your order SO-10042 has been delayed in transit with Crossroads.")
    assert violation.message == (
        '"Your order SO-10042 has been delayed in transit with Crossroads." states Crossroads '
        "where shipment:SH-9 carrier is XPO"
    )


def test_a_return_quantity_must_be_the_rmas() -> None:
    facts = (*ORDER_FACTS, *LINE_FACTS, *RETURN_FACTS)
    (violation,) = _check("Your return covers 35 × Blue Widget, Steel, 3/8 in.", facts)
    assert violation.message.endswith("where rma:RMA-5521/line:1 quantity to return is 5")
    assert _check("Your return covers 5 × Blue Widget, Steel, 3/8 in.", facts) == []


def test_an_on_time_order_told_it_is_late_names_the_outlook() -> None:
    (violation,) = _check("Su pedido SO-10042 llegará con retraso.", locale="es-MX")
    assert violation.code == "late_claim"
    assert violation.message.endswith("where option:1 delivery outlook is on_time")
    assert _check("Su pedido SO-10042 llegará con retraso.", LATE_FACTS, "es-MX") == []


@pytest.mark.parametrize(
    ("locale", "body"),
    [
        ("en-GB", "It is expected to arrive on 9 March 2025."),
        ("es-ES", "Llegará el 9 de marzo de 2025."),
        ("de-DE", "Die Lieferung wird am 9. März 2025 zugestellt."),
        ("fr-FR", "Votre commande arrivera le 9 mars 2025."),
    ],
)
def test_a_delivered_order_told_it_will_arrive_is_blocked(locale: str, body: str) -> None:
    codes = _codes(body, DELIVERED_CASE, locale)
    assert "arrival_claim" in codes


@pytest.mark.parametrize(
    ("locale", "body"),
    [
        ("en-GB", "It was delivered by UPS on 9 March 2025."),
        ("es-ES", "UPS lo entregó el 9 de marzo de 2025."),
        ("de-DE", "Sie wurde am 9. März 2025 von UPS zugestellt."),
        ("fr-FR", "Elle a été livrée par UPS le 9 mars 2025."),
    ],
)
def test_a_delivered_order_told_when_it_was_delivered_passes(locale: str, body: str) -> None:
    assert _check(body, DELIVERED_CASE, locale) == []


def test_a_delivery_date_must_be_the_delivery_date() -> None:
    (violation,) = _check("It was delivered on 8 March 2025.", DELIVERED_CASE, "en-GB")
    assert violation.message.endswith("where shipment:SH-9 delivery date is 2025-03-09")


def test_an_arrival_on_the_promised_date_is_blocked_once_the_promise_is_missed() -> None:
    assert _codes("We now expect to deliver it on March 14, 2025.", LATE_FACTS) == {"unbacked_date"}
    assert _check("We expect it on March 18, 2025, after March 14, 2025, the date we promised.")


def test_the_promised_date_may_be_quoted_beside_the_new_one() -> None:
    body = "We now expect to deliver it on March 18, 2025, later than we promised (March 14, 2025)."
    assert _check(body, LATE_FACTS) == []


def test_asking_for_an_order_number_is_fine_when_the_case_has_none() -> None:
    draft = _draft("Could you reply with your order number?").model_copy(
        update={"subject": "Your order"}
    )
    assert check_claims(draft, request(facts=())) == []


def test_descriptions_stated_whole_state_no_quantity() -> None:
    facts = (
        *ORDER_FACTS,
        fact("description", "Cable Tie, Nylon 6/6, 50 lb, 8 in, 100/Bag", "text", "x:1"),
    )
    assert _check("You ordered Cable Tie, Nylon 6/6, 50 lb, 8 in, 100/Bag.", facts) == []
    assert _codes("You ordered Cable Tie, 50 lb.", facts) == {"unbacked_quantity"}


def test_facts_used_must_be_facts_of_the_request_with_their_values() -> None:
    facts_used = [
        FactUsed(name="order_id", value="SO-10041", kind="identifier", source="order:SO-10042"),
        FactUsed(name="discount", value="10%"),
        FactUsed(name="carrier", value="XPOL", source="shipment:SH-1"),
    ]
    draft = _draft("Your order has shipped.", facts_used=facts_used)
    violations = check_claims(draft, request())
    assert [v.code for v in violations] == ["fact_mismatch", "fact_unknown", "fact_unknown"]


def test_an_edited_template_draft_is_checked_like_any_other() -> None:
    req = request("shortage_notice")
    draft = DRAFTER.draft(req).output
    assert check_claims(draft, req) == []
    edited = draft.model_copy(
        update={
            "body": draft.body.replace("(11 of the 35 ordered)", "(35 ordered)").replace(
                "with XPO", "with UPS"
            )
            + "\n\nP.S. It will ship tomorrow with FedEx."
        }
    )
    codes = {v.code for v in check_claims(edited, req)}
    assert codes == {"relative_date", "unbacked_carrier"}
    short = edited.model_copy(
        update={"body": draft.body.replace("(11 of the 35 ordered)", "(35 not available)")}
    )
    assert {v.code for v in check_claims(short, req)} == {"unbacked_quantity"}


def test_a_release_1_request_is_checked_by_its_untyped_facts() -> None:
    old = DraftRequest.model_validate(
        {
            "case_id": "c",
            "category": "carrier_delay",
            "facts": {"order_id": "SO-10042", "carrier": "UPS", "new_eta": "2025-03-14"},
        }
    )
    assert (
        check_claims(_draft("It is delayed in transit with UPS until March 14, 2025."), old) == []
    )
    codes = {v.code for v in check_claims(_draft("It will arrive on March 16, 2025."), old)}
    assert codes == {"unbacked_date"}


def test_claims_name_the_fact_that_backs_them() -> None:
    req = request("delay_notice")
    draft = DRAFTER.draft(req).output
    backed = {(c.kind, c.backed_by.name) for c in read_claims(draft, req) if c.backed_by}
    assert ("carrier", "carrier") in backed
    assert ("carrier", "new_carrier") in backed
    assert ("date", "new_eta") in backed
    assert ("identifier", "order_id") in backed


def test_the_review_denies_an_unbacked_claim_and_counts_backed_ones() -> None:
    config = load_policy_config()
    req = request()
    good = DRAFTER.draft(req).output
    allowed = claims_review(config, good, req)
    assert (allowed.policy_id, allowed.effect, allowed.required_role) == (
        "customer-message-claims",
        "allow",
        None,
    )
    assert allowed.reason.endswith("claims, each backed by a fact of the case")
    bad = good.model_copy(update={"body": good.body + "\n\nWe shipped 35 units."})
    denied = claims_review(config, bad, req)
    assert (denied.effect, denied.required_role) == ("deny", "cs_rep")
    assert "states 35 where" in denied.reason


def test_no_fact_of_a_kind_means_no_claim_of_it_is_backed() -> None:
    facts = without(FULL_FACTS, "carrier", "new_carrier")
    assert _codes("It travels with XPO.", facts) == {"unbacked_carrier"}
