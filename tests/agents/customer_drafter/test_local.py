"""The local customer drafter: every category and locale, facts stated exactly, tone by tier."""

from __future__ import annotations

import re
from typing import get_args

import pytest

from exdesk.agents.customer_drafter import CustomerDrafter, LocalCustomerDrafter
from exdesk.domain import CATEGORIES, Category, CustomerDraft, CustomerTier, FulfillmentAction
from tests.agents.customer_drafter.builders import (
    DISPLAYED_DATES,
    FULL_FACTS,
    LOCALES,
    TIERS,
    request,
)

DRAFTER: CustomerDrafter = LocalCustomerDrafter()

_LANGUAGE_MARKERS = {"en": "reply", "es": "respond", "de": "antworten"}
"""A word every closing of the language uses (no tier or category closes without one)."""

_BROKEN = re.compile(
    r"None|null|TBD|\{|\}|\[|\]|\s[.,;:!?]|\(\s*\)|  |\.\.(?!\.)|,\s*\.|:\s*\."
    r"|\b(?:on|by|for|at|to|with|de|el|en|am|für|den|von)\s*[.,;]"
)
"""Traces of a missing fact: a stand-in, a brace, an empty "on ." or "()", doubled spaces."""


def _text(draft: CustomerDraft) -> str:
    return f"{draft.subject}\n{draft.body}"


def _shown(value: str, locale: str) -> str:
    return DISPLAYED_DATES.get(value, {}).get(locale, value)


def _appears(needle: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(needle)}(?![\w-])", text) is not None


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("category", CATEGORIES)
def test_every_category_renders_in_every_locale_and_tier(category: Category, locale: str) -> None:
    for tier in TIERS:
        outcome = DRAFTER.draft(request(category, locale=locale, tier=tier))
        draft = outcome.output
        assert outcome.actor == "agent:customer_drafter@local"
        assert draft.channel == "email"
        assert draft.locale == locale
        assert draft.subject
        assert "\n" not in draft.subject
        assert _LANGUAGE_MARKERS[locale[:2]] in draft.body
        assert draft.facts_used, f"{category}/{locale}/{tier} states no fact at all"


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("category", CATEGORIES)
def test_facts_used_are_exactly_the_facts_stated(category: Category, locale: str) -> None:
    for tier in TIERS:
        req = request(category, locale=locale, tier=tier)
        draft = DRAFTER.draft(req).output
        listed = {fact.name: fact.value for fact in draft.facts_used}
        assert len(listed) == len(draft.facts_used), "a fact is listed twice"
        assert all(req.facts[name] == value for name, value in listed.items())
        for name, value in req.facts.items():
            stated = _appears(_shown(value, locale), _text(draft))
            assert stated == (name in listed), (
                f"{category}/{locale}/{tier}: {name}={value!r} stated={stated}, "
                f"listed={name in listed}\n{_text(draft)}"
            )


@pytest.mark.parametrize(
    ("category", "defining_facts"),
    [
        ("inventory_shortage", {"items", "new_eta", "order_id"}),
        ("carrier_delay", {"new_eta", "carrier", "tracking_number"}),
        ("shipment_damaged", {"items", "replacement_eta", "rma_id"}),
        ("shipment_lost", {"carrier", "tracking_number"}),
        ("address_issue", {"ship_to_city"}),
        ("document_mismatch", {"po_number", "invoice_number"}),
        ("integration_failure", {"po_number"}),
        ("credit_hold", {"credit_contact"}),
        ("duplicate_order", {"order_id", "duplicate_order_id"}),
        ("return_request", {"rma_id", "return_window_days", "refund_amount", "currency"}),
        ("customer_inquiry", {"order_status", "carrier", "tracking_number", "new_eta"}),
        ("other", {"order_id", "next_step"}),
    ],
)
def test_each_category_states_the_facts_that_define_it(
    category: Category, defining_facts: set[str]
) -> None:
    for locale in LOCALES:
        draft = DRAFTER.draft(request(category, locale=locale)).output
        assert defining_facts <= {fact.name for fact in draft.facts_used}, locale


def test_no_date_earlier_than_new_eta_is_stated() -> None:
    for category in CATEGORIES:
        for locale in LOCALES:
            draft = DRAFTER.draft(request(category, locale=locale)).output
            named = {fact.name for fact in draft.facts_used}
            assert not named & {"original_eta", "promised_date"}
            assert DISPLAYED_DATES["2025-03-10"][locale] not in _text(draft)
            assert DISPLAYED_DATES["2025-03-11"][locale] not in _text(draft)


@pytest.mark.parametrize("category", ["shipment_damaged", "shipment_lost"])
def test_a_date_fact_earlier_than_new_eta_is_set_aside(category: Category) -> None:
    facts = {"order_id": "SO-10042", "new_eta": "2025-03-14", "replacement_eta": "2025-03-10"}
    for locale in LOCALES:
        outcome = DRAFTER.draft(request(category, locale=locale, facts=facts))
        assert DISPLAYED_DATES["2025-03-10"][locale] not in _text(outcome.output)
        assert DISPLAYED_DATES["2025-03-14"][locale] in outcome.output.body
        assert outcome.evidence.facts_set_aside == {"replacement_eta": "earlier than new_eta"}


def test_promised_date_is_stated_when_there_is_no_new_eta() -> None:
    facts = {"order_id": "SO-10042", "promised_date": "2025-03-11"}
    for locale in LOCALES:
        draft = DRAFTER.draft(request("customer_inquiry", locale=locale, facts=facts)).output
        assert DISPLAYED_DATES["2025-03-11"][locale] in draft.body
        assert {f.name for f in draft.facts_used} == {"order_id", "promised_date"}


_TIER_AND_RECIPIENT: tuple[tuple[CustomerTier, str | None], ...] = (
    ("standard", "Maria Lopez"),
    ("strategic", None),
)
"""A named standard customer, and a strategic one whose recipient is unknown."""


def _fact_subsets() -> list[dict[str, str]]:
    names = list(FULL_FACTS)
    subsets: list[dict[str, str]] = [{}]
    subsets += [{name: FULL_FACTS[name]} for name in names]
    subsets += [{n: FULL_FACTS[n] for n in names if n != name} for name in names]
    return subsets


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("category", CATEGORIES)
def test_missing_facts_are_omitted_cleanly(category: Category, locale: str) -> None:
    for facts in _fact_subsets():
        for tier, recipient in _TIER_AND_RECIPIENT:
            req = request(category, locale=locale, tier=tier, facts=facts, recipient_name=recipient)
            draft = DRAFTER.draft(req).output
            assert not _BROKEN.search(_text(draft)), f"{facts}\n{_text(draft)}"
            assert {f.name for f in draft.facts_used} <= set(facts)
            paragraphs = draft.body.split("\n\n")
            assert all(p.strip() for p in paragraphs)
            for paragraph in paragraphs[1:-1]:
                assert paragraph.endswith((".", "!", "?")), paragraph


@pytest.mark.parametrize("stand_in", ["", "   ", "None", "null", "TBD", "n/a"])
def test_stand_in_values_count_as_missing(stand_in: str) -> None:
    facts = {"order_id": "SO-10042", "carrier": stand_in, "new_eta": stand_in}
    outcome = DRAFTER.draft(request("carrier_delay", facts=facts))
    assert {f.name for f in outcome.output.facts_used} == {"order_id"}
    assert not _BROKEN.search(_text(outcome.output))
    assert outcome.evidence.facts_set_aside == {"carrier": "empty", "new_eta": "empty"}


def test_a_date_fact_that_is_not_an_iso_date_is_never_guessed() -> None:
    facts = {"order_id": "SO-10042", "new_eta": "next Tuesday", "replacement_eta": "2025-02-30"}
    outcome = DRAFTER.draft(request("shipment_lost", facts=facts))
    assert "Tuesday" not in outcome.output.body
    assert "2025-02-30" not in outcome.output.body
    assert outcome.evidence.facts_set_aside == {
        "new_eta": "not an ISO date",
        "replacement_eta": "not an ISO date",
    }


def test_a_days_fact_that_is_not_a_number_is_omitted() -> None:
    facts = {"rma_id": "RMA-5521", "return_window_days": "thirty-ish"}
    draft = DRAFTER.draft(request("return_request", facts=facts)).output
    assert "thirty" not in draft.body
    assert [f.name for f in draft.facts_used] == ["rma_id"]


@pytest.mark.parametrize("category", CATEGORIES)
@pytest.mark.parametrize("locale", ["en-US", "es-ES", "de-DE"])
def test_tone_follows_the_customer_tier(category: Category, locale: str) -> None:
    call = {"en": "call", "es": "llamada", "de": "Telefonat"}[locale[:2]]
    bodies = {
        tier: DRAFTER.draft(request(category, locale=locale, tier=tier)).output.body
        for tier in TIERS
    }
    strategic, key, standard = bodies["strategic"], bodies["key"], bodies["standard"]
    assert len({strategic, key, standard}) == 3
    assert "Maria Lopez" in strategic.split("\n", 1)[0]
    assert "Acme Retail" in strategic, "strategic drafts name the customer"
    assert call in strategic, "strategic drafts offer a call with the account team"
    assert call not in key
    assert call not in standard
    assert len(standard) < len(key) < len(strategic)
    assert standard.startswith({"en": "Hi", "es": "Hola", "de": "Hallo"}[locale[:2]])


def test_strategic_without_a_recipient_greets_the_customer_team() -> None:
    req = request("carrier_delay", tier="strategic", recipient_name=None)
    assert DRAFTER.draft(req).output.body.startswith("Dear Acme Retail team,")


@pytest.mark.parametrize(
    ("requested", "written", "date_shown"),
    [
        ("fr-FR", "en-US", "March 14, 2025"),
        ("en", "en-US", "March 14, 2025"),
        ("en-AU", "en-GB", "14 March 2025"),
        ("en_gb", "en-GB", "14 March 2025"),
        ("es", "es-MX", "14 de marzo de 2025"),
        ("es-AR", "es-MX", "14 de marzo de 2025"),
        ("de-AT", "de-DE", "14. März 2025"),
        ("", "en-US", "March 14, 2025"),
    ],
)
def test_unknown_locales_fall_back_by_language_then_default(
    requested: str, written: str, date_shown: str
) -> None:
    outcome = DRAFTER.draft(request("carrier_delay", locale=requested))
    assert outcome.output.locale == written
    assert date_shown in outcome.output.body
    assert outcome.evidence.locale_requested == requested


@pytest.mark.parametrize(
    ("locale", "wording"),
    [
        ("en-US", "replacement shipment"),
        ("es-ES", "volveremos a enviar"),
        ("de-DE", "Ersatzlieferung"),
    ],
)
def test_next_step_codes_are_worded_in_the_customer_language(locale: str, wording: str) -> None:
    facts = {"order_id": "SO-10042", "next_step": "reship"}
    draft = DRAFTER.draft(request("shipment_lost", locale=locale, facts=facts)).output
    assert wording in draft.body
    assert "reship" not in draft.body
    assert {(f.name, f.value) for f in draft.facts_used} == {
        ("order_id", "SO-10042"),
        ("next_step", "reship"),
    }


@pytest.mark.parametrize("locale", ["en-US", "es-ES", "de-DE"])
def test_every_fulfillment_action_reads_as_a_sentence(locale: str) -> None:
    bodies = set()
    for action in get_args(FulfillmentAction):
        facts = {"next_step": action}
        body = DRAFTER.draft(request("inventory_shortage", locale=locale, facts=facts)).output.body
        assert "_" not in body, f"{action} is shown as a code"
        bodies.add(body)
    assert len(bodies) == len(get_args(FulfillmentAction))


def test_german_paragraph_after_the_greeting_follows_german_capitalisation() -> None:
    for category in CATEGORIES:
        for tier in TIERS:
            body = DRAFTER.draft(request(category, locale="de-DE", tier=tier)).output.body
            first_word = body.split("\n\n")[1].split(" ", 1)[0]
            assert first_word[0].islower() or first_word in {"Ihre", "Ihr", "Sie"}, first_word


def test_fact_values_are_inserted_verbatim_and_never_expanded_again() -> None:
    facts = {"order_id": "{po_number}", "po_number": "PO-1"}
    draft = DRAFTER.draft(request("other", facts=facts)).output
    assert "your order {po_number}" in draft.body
    assert "PO-1" not in draft.body


def test_drafting_is_deterministic() -> None:
    req = request("return_request", tier="key", locale="es-MX")
    assert DRAFTER.draft(req) == DRAFTER.draft(req)
