"""The local customer drafter: every purpose and locale, only true facts, with their sources,
answering what the customer asked, tone by tier."""

from __future__ import annotations

import re
from datetime import date
from typing import get_args

import pytest

from exdesk.agents.customer_drafter import CustomerDrafter, LocalCustomerDrafter
from exdesk.agents.customer_drafter._locale import format_date, format_quantity
from exdesk.domain import (
    CustomerDraft,
    CustomerQuestion,
    DraftRequest,
    Fact,
    FulfillmentAction,
    MessagePurpose,
    carrier_display_name,
)
from exdesk.policies.claims import check_claims, read_claims
from exdesk.policies.draft_guard import check_draft
from tests.agents.customer_drafter.builders import (
    DELIVERED_CASE,
    FULL_FACTS,
    LATE_FACTS,
    LINE_FACTS,
    LOCALES,
    ORDER,
    ORDER_FACTS,
    PURPOSES,
    QUESTIONS,
    SHIPMENT_FACTS,
    TIERS,
    fact,
    outlook,
    request,
    without,
)

DRAFTER: CustomerDrafter = LocalCustomerDrafter()

_LANGUAGE_MARKERS = {"en": "reply", "es": "respond", "de": "antworten", "fr": "répond"}
"""A word every closing of the language uses (no tier or purpose closes without one)."""

_BROKEN = re.compile(
    r"None|null|TBD|\{|\}|\[|\]|\s[.,;:!?](?<!\s[;:!?])|\(\s*\)|  |\.\.(?!\.)|,\s*\.|:\s*\."
    r"|\b(?:on|by|for|at|to|de|el|en|am|für|den|von|le|du)\s*[.,;]"
)
"""Traces of a missing fact: a stand-in, a brace, an empty "on ." or "()", doubled spaces.
(French puts a space before ``; : ! ?``.)"""

_CODES = frozenset(
    {"next_step", "delivery_outlook", "order_status", "shipment_status", "rma_status"}
)
_NAMES = frozenset({"customer_name", "contact_name"})
"""Greeting names come from the request's fields, not from facts."""


def _text(draft: CustomerDraft) -> str:
    return f"{draft.subject}\n{draft.body}"


def _shown(f: Fact, locale: str) -> str:
    if f.kind == "date":
        return format_date(date.fromisoformat(f.value), locale)
    if f.kind == "quantity":
        return format_quantity(int(f.value), locale)
    if f.kind == "carrier":
        return carrier_display_name(f.value)
    return f.value


def _appears(needle: str, text: str) -> bool:
    return re.search(rf"(?<![\w-]){re.escape(needle)}(?![\w-])", text) is not None


def _kinds(draft: CustomerDraft, req: DraftRequest) -> set[str]:
    return {claim.kind for claim in read_claims(draft, req)}


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("purpose", PURPOSES)
def test_every_purpose_renders_in_every_locale_and_tier(
    purpose: MessagePurpose, locale: str
) -> None:
    for tier in TIERS:
        outcome = DRAFTER.draft(request(purpose, locale=locale, tier=tier))
        draft = outcome.output
        assert outcome.actor == "agent:customer_drafter@local"
        assert outcome.evidence.template == f"{locale[:2]}/{purpose}/{tier}"
        assert draft.channel == "email"
        assert draft.locale == locale
        assert draft.subject
        assert "\n" not in draft.subject
        assert _LANGUAGE_MARKERS[locale[:2]] in draft.body
        assert not _BROKEN.search(_text(draft)), _text(draft)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("purpose", PURPOSES)
def test_facts_used_are_exactly_the_facts_stated_with_their_sources(
    purpose: MessagePurpose, locale: str
) -> None:
    req = request(purpose, locale=locale, tier="strategic", questions=QUESTIONS)
    draft = DRAFTER.draft(req).output
    held = {(f.name, f.source): f for f in req.facts}
    listed = {(f.name, f.source) for f in draft.facts_used}
    assert len(listed) == len(draft.facts_used), "a fact is listed twice"
    for used in draft.facts_used:
        source = held[(used.name, used.source or "")]
        assert (used.value, used.kind) == (source.value, source.kind)
    shown: dict[str, set[tuple[str, str]]] = {}
    for f in req.facts:
        if f.name not in _CODES | _NAMES:
            shown.setdefault(_shown(f, locale), set()).add((f.name, f.source))
    for text, keys in shown.items():
        stated = _appears(text, _text(draft))
        assert stated == bool(keys & listed), (
            f"{purpose}/{locale}: {sorted(keys)} {text!r} stated={stated}\n{_text(draft)}"
        )


FACT_SETS: dict[str, tuple[Fact, ...]] = {
    "on time": FULL_FACTS,
    "late": LATE_FACTS,
    "delivered": DELIVERED_CASE,
    "order only": ORDER_FACTS,
    "nothing": (),
    "not on account": (fact("order_reference", "not_on_account", "text", "event:order_id"),),
}


@pytest.mark.parametrize("case", list(FACT_SETS))
@pytest.mark.parametrize("locale", LOCALES)
def test_template_drafts_make_only_claims_their_facts_back(case: str, locale: str) -> None:
    for purpose in PURPOSES:
        for tier in TIERS:
            req = request(
                purpose, locale=locale, tier=tier, facts=FACT_SETS[case], questions=QUESTIONS
            )
            draft = DRAFTER.draft(req).output
            assert check_claims(draft, req) == [], _text(draft)
            assert check_draft(draft, req, forbidden_identifiers=["SO-99881"]) == []


@pytest.mark.parametrize(
    ("locale", "wording"),
    [
        ("en-US", "Blue Widget, Steel, 3/8 in (11 of the 35 ordered)"),
        ("es-ES", "Blue Widget, Steel, 3/8 in (11 de las 35 unidades pedidas)"),
        ("de-DE", "Blue Widget, Steel, 3/8 in (11 von 35 bestellten)"),
        ("fr-FR", "Blue Widget, Steel, 3/8 in (11 sur les 35 commandés)"),
    ],
)
def test_a_short_pick_states_the_short_quantity_of_the_quantity_ordered(
    locale: str, wording: str
) -> None:
    draft = DRAFTER.draft(request("shortage_notice", locale=locale)).output
    assert wording in draft.body


def test_a_line_short_in_full_says_so() -> None:
    facts = [f for f in FULL_FACTS if f.name not in {"short_qty", "available_qty"}]
    facts.append(fact("short_qty", "35", "quantity", "order:SO-10042/line:2"))
    draft = DRAFTER.draft(request("shortage_notice", facts=facts)).output
    assert "Blue Widget, Steel, 3/8 in (all 35 ordered)" in draft.body


def test_a_shortage_without_quantities_names_the_item_only() -> None:
    facts = without(FULL_FACTS, "short_qty", "available_qty")
    draft = DRAFTER.draft(request("shortage_notice", facts=facts)).output
    assert "as planned: Blue Widget, Steel, 3/8 in." in draft.body
    assert "35" not in draft.body


def test_a_delay_names_the_late_shipments_carrier_and_the_new_carrier_for_the_next_step() -> None:
    draft = DRAFTER.draft(request("delay_notice")).output
    assert "has been delayed in transit with XPO." in draft.body
    assert "faster service with Crossroads Regional Lines." in draft.body
    by_name = {f.name: f.source for f in draft.facts_used}
    assert by_name["carrier"] == "shipment:SH-9"
    assert by_name["new_carrier"] == "option:1"


@pytest.mark.parametrize("locale", LOCALES)
def test_an_order_within_its_promise_is_never_told_it_is_late(locale: str) -> None:
    for purpose in ("delay_notice", "shortage_notice", "status", "loss_notice"):
        on_time = request(purpose, locale=locale)
        assert "late" not in _kinds(DRAFTER.draft(on_time).output, on_time), purpose
    late = request("delay_notice", locale=locale, facts=LATE_FACTS)
    assert "late" in _kinds(DRAFTER.draft(late).output, late)


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("purpose", ["status", "invoice_copy", "proof_of_delivery"])
def test_a_delivered_order_is_never_told_it_will_arrive(
    purpose: MessagePurpose, locale: str
) -> None:
    req = request(purpose, locale=locale, facts=DELIVERED_CASE)
    draft = DRAFTER.draft(req).output
    assert "arrival" not in _kinds(draft, req)
    if purpose != "invoice_copy":
        assert format_date(date(2025, 3, 9), locale) in draft.body


def test_a_status_answer_for_an_order_on_its_way() -> None:
    facts = [*ORDER_FACTS, *LINE_FACTS, *SHIPMENT_FACTS, outlook("on_time", "shipment:SH-9")]
    draft = DRAFTER.draft(request("status", facts=facts)).output
    assert "It is on its way with XPO under tracking number 527779200." in draft.body
    assert "It is expected to arrive on March 13, 2025, within the delivery date we promised." in (
        draft.body
    )


def test_an_order_not_yet_shipped_is_being_prepared() -> None:
    facts = [*without(ORDER_FACTS, "order_status"), fact("order_status", "open", "text", ORDER)]
    draft = DRAFTER.draft(request("status", facts=facts)).output
    assert "We are preparing it for shipment." in draft.body
    assert "The delivery date we promised is March 14, 2025." in draft.body


@pytest.mark.parametrize("locale", LOCALES)
def test_the_account_team_is_ours_never_the_customers_company(locale: str) -> None:
    for purpose in PURPOSES:
        draft = DRAFTER.draft(request(purpose, locale=locale, tier="strategic")).output
        assert "Acme Retail" not in draft.body, draft.body


@pytest.mark.parametrize("locale", LOCALES)
@pytest.mark.parametrize("purpose", ["status", "invoice_copy", "proof_of_delivery"])
def test_the_order_number_is_asked_for_only_when_the_case_has_none(
    purpose: MessagePurpose, locale: str
) -> None:
    known = request(purpose, locale=locale, facts=ORDER_FACTS)
    unknown = request(purpose, locale=locale, facts=())
    elsewhere = request(purpose, locale=locale, facts=FACT_SETS["not on account"])
    assert "asks_order_number" not in _kinds(DRAFTER.draft(known).output, known)
    assert "asks_order_number" in _kinds(DRAFTER.draft(unknown).output, unknown)
    assert "asks_order_number" not in _kinds(DRAFTER.draft(elsewhere).output, elsewhere)


def test_an_order_number_that_is_not_the_customers_is_explained() -> None:
    draft = DRAFTER.draft(request("status", facts=FACT_SETS["not on account"])).output
    assert "it is not one of the orders on your account" in draft.body
    assert "If you have another order number" in draft.body


def test_a_return_states_the_rma_lines_not_the_order_lines() -> None:
    draft = DRAFTER.draft(request("return")).output
    assert "Your return authorization number for your order SO-10042 (PO-77812) is RMA-5521." in (
        draft.body
    )
    assert "It covers 5 × Blue Widget, Steel, 3/8 in." in draft.body
    assert "The return window is 30 days." in draft.body
    assert "35" not in draft.body


def test_a_return_without_an_rma_states_what_the_customer_asked_to_return() -> None:
    facts = [
        *ORDER_FACTS,
        *without(LINE_FACTS, "short_qty", "available_qty"),
        fact("requested_qty", "2", "quantity", "event:requested_qty"),
    ]
    draft = DRAFTER.draft(request("return", facts=facts, questions=["restocking_fee"])).output
    assert "You asked to return 2 × Blue Widget, Steel, 3/8 in." in draft.body
    assert (
        "Our returns team will review your request and send you the return authorization. "
        "They will also confirm whether a restocking fee applies."
    ) in draft.body


@pytest.mark.parametrize(
    ("question", "wording"),
    [
        ("restocking_fee", "restocking fee"),
        ("return_pickup", "by return label or by pickup"),
        ("replacement", "about the replacement"),
    ],
)
def test_what_else_the_customer_asks_about_a_return_is_answered(
    question: CustomerQuestion, wording: str
) -> None:
    asked = DRAFTER.draft(request("return", questions=[question])).output
    assert wording in asked.body
    assert wording not in DRAFTER.draft(request("return")).output.body


def test_an_address_change_the_customer_sent_is_not_asked_for_again() -> None:
    facts = [*ORDER_FACTS, *LINE_FACTS, *SHIPMENT_FACTS]
    draft = DRAFTER.draft(request("address_change", facts=facts)).output
    assert "We have received the new delivery address for your order SO-10042" in draft.body
    assert "already on its way with XPO" in draft.body
    assert "complete delivery address" not in draft.body


def test_a_release_1_request_with_untyped_facts_still_drafts() -> None:
    old = DraftRequest.model_validate(
        {
            "case_id": "case-1",
            "category": "carrier_delay",
            "locale": "en-US",
            "facts": {"order_id": "SO-10042", "carrier": "UPS", "new_eta": "2025-03-14"},
        }
    )
    outcome = DRAFTER.draft(old)
    assert outcome.evidence.template == "en/delay_notice/standard"
    assert "delayed in transit with UPS" in outcome.output.body
    assert "March 14, 2025" in outcome.output.body
    assert {f.source for f in outcome.output.facts_used} == {"request"}


@pytest.mark.parametrize("stand_in", ["", "   ", "None", "null", "TBD", "n/a"])
def test_stand_in_values_count_as_missing(stand_in: str) -> None:
    facts = [
        fact("order_id", "SO-10042", "identifier", ORDER),
        fact("carrier", stand_in, "carrier", "shipment:SH-9"),
        fact("eta", stand_in, "date", "shipment:SH-9"),
    ]
    outcome = DRAFTER.draft(request("delay_notice", facts=facts))
    assert {f.name for f in outcome.output.facts_used} == {"order_id"}
    assert not _BROKEN.search(_text(outcome.output))
    assert outcome.evidence.facts_set_aside == {"carrier": "empty", "eta": "empty"}


def test_a_date_or_quantity_that_cannot_be_read_is_never_guessed() -> None:
    facts = [
        fact("order_id", "SO-10042", "identifier", ORDER),
        fact("new_eta", "next Tuesday", "date", "option:1"),
        fact("rma_id", "RMA-5521", "identifier", "rma:RMA-5521"),
        fact("return_window_days", "thirty-ish", "quantity", "rma:RMA-5521"),
    ]
    outcome = DRAFTER.draft(request("return", facts=facts))
    assert "Tuesday" not in outcome.output.body
    assert "thirty" not in outcome.output.body
    assert outcome.evidence.facts_set_aside == {
        "new_eta": "not an ISO date",
        "return_window_days": "not a whole number",
    }


@pytest.mark.parametrize("purpose", PURPOSES)
@pytest.mark.parametrize("locale", ["en-US", "es-ES", "de-DE", "fr-FR"])
def test_missing_facts_are_omitted_cleanly(purpose: MessagePurpose, locale: str) -> None:
    subsets = [FULL_FACTS[:i] + FULL_FACTS[i + 1 :] for i in range(len(FULL_FACTS))]
    for facts in [(), *subsets]:
        req = request(purpose, locale=locale, facts=facts, recipient_name=None)
        draft = DRAFTER.draft(req).output
        assert not _BROKEN.search(_text(draft)), _text(draft)
        paragraphs = draft.body.split("\n\n")
        assert all(p.strip() for p in paragraphs)
        for paragraph in paragraphs[1:-1]:
            assert paragraph.endswith((".", "!", "?")), paragraph


@pytest.mark.parametrize("purpose", PURPOSES)
@pytest.mark.parametrize("locale", ["en-US", "es-ES", "de-DE", "fr-FR"])
def test_tone_follows_the_customer_tier(purpose: MessagePurpose, locale: str) -> None:
    call = {"en": "call", "es": "llamada", "de": "Telefonat", "fr": "appel"}[locale[:2]]
    bodies = {
        tier: DRAFTER.draft(request(purpose, locale=locale, tier=tier)).output.body
        for tier in TIERS
    }
    strategic, key, standard = bodies["strategic"], bodies["key"], bodies["standard"]
    assert len({strategic, key, standard}) == 3
    assert "Maria Lopez" in strategic.split("\n", 1)[0]
    assert call in strategic, "strategic drafts offer a call with the account team"
    assert call not in key
    assert call not in standard
    assert len(standard) < len(key) < len(strategic)


@pytest.mark.parametrize(
    ("requested", "written", "date_shown"),
    [
        ("fr-FR", "fr-FR", "12 mars 2025"),
        ("fr-BE", "fr-FR", "12 mars 2025"),
        ("it-IT", "en-US", "March 12, 2025"),
        ("en", "en-US", "March 12, 2025"),
        ("en-AU", "en-GB", "12 March 2025"),
        ("en_gb", "en-GB", "12 March 2025"),
        ("es", "es-MX", "12 de marzo de 2025"),
        ("es-AR", "es-MX", "12 de marzo de 2025"),
        ("de-AT", "de-DE", "12. März 2025"),
        ("", "en-US", "March 12, 2025"),
    ],
)
def test_unknown_locales_fall_back_by_language_then_default(
    requested: str, written: str, date_shown: str
) -> None:
    outcome = DRAFTER.draft(request("delay_notice", locale=requested))
    assert outcome.output.locale == written
    assert date_shown in outcome.output.body
    assert outcome.evidence.locale_requested == requested


@pytest.mark.parametrize(
    ("locale", "wording"),
    [
        ("en-US", "replacement shipment with UPS"),
        ("es-ES", "envío de reemplazo con UPS"),
        ("de-DE", "Ersatzlieferung mit UPS"),
        ("fr-FR", "colis de remplacement avec UPS"),
    ],
)
def test_next_step_codes_are_worded_in_the_customer_language(locale: str, wording: str) -> None:
    draft = DRAFTER.draft(request("loss_notice", locale=locale, facts=LATE_FACTS)).output
    assert wording in draft.body
    assert "reship" not in draft.body


@pytest.mark.parametrize("locale", ["en-US", "es-ES", "de-DE", "fr-FR"])
def test_every_fulfillment_action_reads_as_a_sentence(locale: str) -> None:
    bodies = set()
    for action in get_args(FulfillmentAction):
        facts = [fact("next_step", action, "text", "option:1")]
        body = DRAFTER.draft(request("shortage_notice", locale=locale, facts=facts)).output.body
        assert "_" not in body, f"{action} is shown as a code"
        bodies.add(body)
    assert len(bodies) == len(get_args(FulfillmentAction))


def test_german_paragraph_after_the_greeting_follows_german_capitalisation() -> None:
    for purpose in PURPOSES:
        for tier in TIERS:
            body = DRAFTER.draft(request(purpose, locale="de-DE", tier=tier)).output.body
            first_word = body.split("\n\n")[1].split(" ", 1)[0]
            assert first_word[0].islower() or first_word in {"Ihre", "Ihr", "Sie"}, first_word


def test_fact_values_are_inserted_verbatim_and_never_expanded_again() -> None:
    facts = [
        fact("order_id", "{po_number}", "identifier", ORDER),
        fact("po_number", "PO-1", "identifier", "event:po_number"),
    ]
    draft = DRAFTER.draft(request("general", facts=facts)).output
    assert "your order {po_number}" in draft.body
    assert "PO-1" not in draft.body


def test_drafting_is_deterministic() -> None:
    req = request("return", tier="key", locale="es-MX", questions=QUESTIONS)
    assert DRAFTER.draft(req) == DRAFTER.draft(req)


def test_a_delay_before_pickup_does_not_say_in_transit() -> None:
    facts = [*ORDER_FACTS, fact("next_step", "reship", "text", "option:1")]
    draft = DRAFTER.draft(request("delay_notice", facts=facts)).output
    assert "has been delayed." in draft.body
    assert "in transit" not in draft.body


def test_a_released_credit_hold_is_told_in_the_past() -> None:
    released = [*ORDER_FACTS, fact("next_step", "release_hold", "text", "credit:C-1")]
    kept = [*ORDER_FACTS, fact("next_step", "keep_hold", "text", "credit:C-1")]
    released_body = DRAFTER.draft(request("credit_hold", facts=released)).output.body
    kept_body = DRAFTER.draft(request("credit_hold", facts=kept)).output.body
    assert "was on hold while we reviewed" in released_body
    assert "We are releasing your order for shipment." in released_body
    assert "credit team" not in released_body
    assert "is on hold while we review" in kept_body
    assert "credit team" in kept_body


def test_a_faster_replacement_for_a_lost_shipment_is_not_an_upgrade_of_it() -> None:
    draft = DRAFTER.draft(request("loss_notice")).output
    assert "replacement by a faster service with Crossroads Regional Lines" in draft.body
    assert "upgrading" not in draft.body
