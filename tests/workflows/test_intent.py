"""What the customer's message asks and which language it is in: deterministic, and only
from the customer's own words."""

from __future__ import annotations

from typing import Any

import pytest

from exdesk.domain import EventSource
from exdesk.domain.context import CaseContext
from exdesk.workflows.intent import (
    customer_questions,
    customer_text,
    detect_language,
    message_locale,
    message_purpose,
)
from tests.support.factories import make_customer, make_event

CONTACT = "maria.lopez@acme-retail.example"


def _context(locale: str = "de-DE") -> CaseContext:
    return CaseContext(customer=make_customer(email=CONTACT, locale=locale))


def _mail(
    body: str, *, sender: str = "buyer@acme-retail.example", source: EventSource = "email"
) -> Any:
    return make_event(f"From: Buyer <{sender}>\nSubject: order\n\n{body}", source=source)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Hello, could you tell me when our order will arrive? Thanks for your help.", "en"),
        ("Buenos días, queremos devolver los chalecos, están sin abrir. Gracias.", "es"),
        ("Guten Tag, wir haben die Lieferung noch nicht erhalten. Bitte prüfen Sie das.", "de"),
        ("Bonjour, nous n'avons pas reçu la commande. Pouvez-vous vérifier ? Merci.", "fr"),
        ("SO-104108 1Z999AA10123456784", None),
        ("ok thanks", None),
    ],
)
def test_the_language_of_a_message(text: str, language: str | None) -> None:
    assert detect_language(text) == language


def test_a_bilingual_message_is_in_the_language_most_of_it_is_in() -> None:
    text = (
        "Buenos días, recibimos el pedido la semana pasada. Los chalecos son talla M/L y "
        "necesitamos XL, nos equivocamos al pedir. Queremos devolverlos y cambiarlos por la "
        "talla correcta. Están sin abrir en su caja original.\n\nGood morning, we want to "
        "return the vests and exchange them."
    )
    assert detect_language(text) == "es"


def test_a_customer_who_writes_in_english_is_answered_in_english() -> None:
    event = _mail("Could you please tell me where our order is? We need it for Monday.")
    written = customer_text(event, _context("de-DE"))
    assert written is not None
    assert message_locale(written, _context("de-DE")) == ("en-US", "message")


def test_the_contacts_region_is_kept_when_the_language_matches() -> None:
    event = _mail("Could you please tell me where our order is? We need it for Monday.")
    context = _context("en-GB")
    assert message_locale(customer_text(event, context), context) == ("en-GB", "message")


@pytest.mark.parametrize(
    ("event", "why"),
    [
        (
            _mail("Where is the order? We need it today.", sender="noreply@carrier.example"),
            "sender",
        ),
        (make_event("Customer called, where is the order? We need it.", source="crm"), "a note"),
        (make_event("SHORT PICK order SO-1 req 35 picked 23", source="wms"), "a system"),
    ],
)
def test_only_the_customers_own_words_choose_the_language(event: Any, why: str) -> None:
    context = _context("de-DE")
    assert customer_text(event, context) is None, why
    assert message_locale(customer_text(event, context), context) == ("de-DE", "contact")


def test_headers_and_quoted_messages_are_not_the_customers_words() -> None:
    event = make_event(
        "-----Original Message-----\nFrom: Buyer <buyer@acme-retail.example>\n"
        "Sent: Friday\nSubject: return\n\nCan we send back 15 boxes?\n\n"
        "-----Original Message-----\nFrom: orders@supplier.example\nYour order was delivered.",
        source="email",
    )
    assert customer_text(event, _context()) == "return\n\nCan we send back 15 boxes?"


@pytest.mark.parametrize(
    ("category", "text", "purpose"),
    [
        (
            "customer_inquiry",
            "Our accounts team can't find the invoice, please resend it.",
            "invoice_copy",
        ),
        ("customer_inquiry", "Necesitamos una copia de la factura.", "invoice_copy"),
        ("customer_inquiry", "Needs a signed POD copy for the audit.", "proof_of_delivery"),
        ("customer_inquiry", "Bitte senden Sie uns den Liefernachweis.", "proof_of_delivery"),
        ("customer_inquiry", "Pouvez-vous envoyer la preuve de livraison ?", "proof_of_delivery"),
        ("customer_inquiry", "When will our order arrive?", "status"),
        ("customer_inquiry", "When will it arrive? Also send the invoice and tracking.", "status"),
        ("carrier_delay", "Freight rolled at the terminal.", "delay_notice"),
        ("shipment_lost", "Tracking stale for 198 h.", "loss_notice"),
        ("return_request", "Wrong size, we want to return it.", "return"),
        ("credit_hold", "Over the credit limit.", "credit_hold"),
        ("other", "Misc.", "general"),
    ],
)
def test_the_purpose_follows_the_category_and_the_request(
    category: Any, text: str, purpose: str
) -> None:
    assert message_purpose(category, make_event(text), text) == purpose


def test_an_address_the_customer_changes_is_a_change_a_carrier_reports_is_a_confirmation() -> None:
    change = "Please change the delivery address to Suite 300, Door 6."
    assert message_purpose("address_issue", make_event(change), change) == "address_change"
    carrier = make_event(
        "The street number is incorrect. We're attempting to update the address.", source="carrier"
    )
    assert message_purpose("address_issue", carrier, None) == "address_confirmation"
    note = make_event("Customer called to change the ship-to to the new warehouse.", source="crm")
    assert message_purpose("address_issue", note, None) == "address_change"


@pytest.mark.parametrize(
    ("text", "questions"),
    [
        ("Can we send back 15 boxes for credit? What is the restocking fee?", ["restocking_fee"]),
        (
            "Please email a return label or schedule a pickup, and ship the correct film.",
            ["replacement", "return_pickup"],
        ),
        (
            "Queremos cambiarlos por la talla correcta. Envíen la etiqueta de devolución.",
            ["replacement", "return_pickup"],
        ),
        ("Just need the tracking number.", ["tracking_number"]),
        ("Where is it?", []),
    ],
)
def test_what_else_the_customer_asks(text: str, questions: list[str]) -> None:
    assert customer_questions(make_event(text), text) == questions
