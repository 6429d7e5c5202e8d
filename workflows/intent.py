"""What the customer's message is about and which language it is written in.

Pure functions of the event and its context, so the same case always gets the same answer:
a customer who writes in English is answered in English whatever the contact's locale says,
an invoice request gets an invoice answer, not a delivery status. Only text the customer
wrote counts as theirs: an e-mail or portal ticket whose sender shares the domain of the
contact on file. A carrier's notice or a rep's call note is not the customer's voice.
"""

from __future__ import annotations

import re
from collections import Counter
from typing import Final, Literal

from exdesk.domain import (
    DEFAULT_PURPOSE,
    Category,
    CustomerQuestion,
    ExceptionEvent,
    LocaleSource,
    MessagePurpose,
)
from exdesk.domain.context import CaseContext
from exdesk.tools.references import find_references

Language = Literal["en", "es", "de", "fr"]
"""A language the detector recognises."""

DEFAULT_LOCALE: Final = "en-US"
_LANGUAGE_LOCALE: Final[dict[Language, str]] = {
    "en": "en-US",
    "es": "es-MX",
    "de": "de-DE",
    "fr": "fr-FR",
}


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


_STOPWORDS: Final[dict[Language, frozenset[str]]] = {
    "en": _words(
        "the and you your we our is are please thanks thank can could would with for have "
        "not this that it of to in on be was what when where need want will just did got "
        "there they them from my me hi hello regards"
    ),
    "es": _words(
        "el la los las de del que y en por para con su sus una un es está están pedido "
        "gracias favor necesitamos queremos hola saludos buenos días no se lo al nos le "
        "pero como cuando dónde tenemos recibimos"
    ),
    "de": _words(
        "der die das und ist nicht wir sie ihr ihre bitte danke für mit von auf eine ein "
        "den dem des bestellung lieferung grüße guten tag haben wurde noch uns wie wann wo "
        "sehr geehrte damen herren"
    ),
    "fr": _words(
        "le la les de des du et est pas nous vous votre vos pour avec une un dans sur merci "
        "bonjour commande livraison cordialement ce qui que au aux été avons pouvez reçu"
    ),
}
_MIN_WORDS: Final = 4
"""Stopwords a language needs before a text counts as written in it."""
_MARGIN: Final = 1.3
"""How far ahead of the runner-up it must be."""

_WORD: Final = re.compile(r"[^\W\d_]+", re.UNICODE)
_HEADER: Final = re.compile(
    r"^\s*(?:from|to|cc|sent|date|de|para|enviado|fecha|von|an|gesendet|datum|envoyé|à"
    r"|category|order #|submitted by|categoría|kategorie|catégorie)\s*:",
    re.IGNORECASE,
)
_SUBJECT: Final = re.compile(r"^\s*(?:subject|asunto|betreff|objet)\s*:\s*", re.IGNORECASE)
_QUOTED: Final = re.compile(
    r"^\s*(?:-{3,}\s*(?:original message|mensaje original|ursprüngliche nachricht"
    r"|message d'origine)"
    r"|>|on .{5,80} wrote:$|el .{5,80} escribió:$|am .{5,80} schrieb:$|le .{5,80} a écrit\s*:$)",
    re.IGNORECASE,
)
_FROM: Final = re.compile(r"^\s*(?:from|de|von)\s*:", re.IGNORECASE)

_PROOF_OF_DELIVERY: Final = re.compile(
    r"proof of delivery|\bPODs?\b|signed (?:delivery|BOL|bill of lading)|delivery receipt"
    r"|comprobante de entrega|prueba de entrega|acuse de recibo"
    r"|Liefernachweis|Zustellnachweis|Ablieferbeleg|Lieferschein mit Unterschrift"
    r"|preuve de livraison|bon de livraison sign",
    re.IGNORECASE,
)
_INVOICE: Final = re.compile(r"\binvoice|\bfactura|\bRechnung|\bfacture", re.IGNORECASE)
_STATUS_QUESTION: Final = re.compile(
    r"where is|where our|when (?:will|can|might|do)|\barriv|\btracking|\bstatus\b|\bETA\b"
    r"|dónde está|cuándo lleg|seguimiento|estado del pedido"
    r"|\bwo (?:ist|bleibt)|\bwann\b|Sendungsverfolgung|Lieferstatus"
    r"|où en est|\bquand\b|\bsuivi\b",
    re.IGNORECASE,
)
"""A status question: with one, an invoice mentioned in passing does not make the message an
invoice request."""
_ADDRESS_CHANGE: Final = re.compile(
    r"\b(?:change|update|correct|fix|new|wrong)\b[^.\n]{0,40}\b(?:address|ship-?to|delivery)"
    r"|\b(?:reroute|redirect)\b|\bsuite\b|\bdoor\b"
    r"|cambi\w*[^.\n]{0,40}direcci[oó]n|nueva direcci[oó]n|direcci[oó]n (?:nueva|incorrecta)"
    r"|neue (?:Liefer)?adresse|Adresse[^.\n]{0,30}ändern|Lieferadresse[^.\n]{0,30}(?:ändern|falsch)"
    r"|nouvelle adresse|changer[^.\n]{0,40}adresse|adresse[^.\n]{0,30}(?:erronée|incorrecte)",
    re.IGNORECASE,
)
_QUESTIONS: Final[dict[CustomerQuestion, re.Pattern[str]]] = {
    "restocking_fee": re.compile(
        r"re-?stock|reposici[oó]n|Wiedereinlagerung|Rücknahmegebühr|frais de (?:restockage|"
        r"remise en stock|retour)",
        re.IGNORECASE,
    ),
    "replacement": re.compile(
        r"replace|exchange|\bship\b[^.\n]{0,40}\bcorrect\b|reemplaz|cambiarlos|cambio por"
        r"|\bErsatz|umtausch|remplac|échange",
        re.IGNORECASE,
    ),
    "return_pickup": re.compile(
        r"pick ?up|picked up|return label|recog[ei]|etiqueta de devoluci[oó]n|Abholung"
        r"|Rücksendeetikett|enlèvement|étiquette de retour",
        re.IGNORECASE,
    ),
    "tracking_number": re.compile(
        r"tracking|n[úu]mero de (?:seguimiento|rastreo|gu[ií]a)|Sendungsnummer|Trackingnummer"
        r"|num[ée]ro de suivi",
        re.IGNORECASE,
    ),
}


def customer_text(event: ExceptionEvent, context: CaseContext) -> str | None:
    """The words the customer wrote, without headers or quoted earlier messages; None when
    the event is not the customer's own message."""
    if event.source not in {"email", "portal"} or context.customer is None:
        return None
    sender = find_references(event.summary).sender_email
    contact_domain = str(context.customer.contact.email).rsplit("@", 1)[-1].lower()
    if sender is None or sender.rsplit("@", 1)[-1] != contact_domain:
        return None
    kept: list[str] = []
    body_seen = False
    for line in event.summary.splitlines():
        if _QUOTED.match(line) or (body_seen and _FROM.match(line)):
            if body_seen:
                break
            continue
        if _HEADER.match(line):
            continue
        kept.append(_SUBJECT.sub("", line))
        body_seen = body_seen or (bool(line.strip()) and not _SUBJECT.match(line))
    text = "\n".join(kept).strip()
    return text or None


def detect_language(text: str) -> Language | None:
    """The language most of ``text``'s common words belong to, if one clearly leads."""
    words = Counter(word.casefold() for word in _WORD.findall(text))
    scores = {
        language: sum(count for word, count in words.items() if word in stopwords)
        for language, stopwords in _STOPWORDS.items()
    }
    ranked = sorted(scores.items(), key=lambda item: item[1], reverse=True)
    (best, top), (_, second) = ranked[0], ranked[1]
    if top >= _MIN_WORDS and top >= second * _MARGIN:
        return best
    return None


def message_locale(written: str | None, context: CaseContext) -> tuple[str, LocaleSource]:
    """The locale to answer in: the language the customer wrote in (with the contact's region
    when it is the same language), else the contact's locale, else the default."""
    contact_locale = context.customer.contact.locale if context.customer else None
    language = detect_language(written) if written else None
    if language is not None:
        if contact_locale is not None and contact_locale.split("-", 1)[0] == language:
            return contact_locale, "message"
        return _LANGUAGE_LOCALE[language], "message"
    if contact_locale is not None:
        return contact_locale, "contact"
    return DEFAULT_LOCALE, "default"


def message_purpose(
    category: Category, event: ExceptionEvent, written: str | None
) -> MessagePurpose:
    """What the message is for: the category's news, or the request the customer made."""
    text = written if written is not None else event.summary
    if category == "customer_inquiry":
        if _PROOF_OF_DELIVERY.search(text):
            return "proof_of_delivery"
        if _INVOICE.search(text) and not _STATUS_QUESTION.search(text):
            return "invoice_copy"
        return "status"
    if category == "address_issue":
        told_by_customer = written is not None or event.source in {"crm", "manual"}
        if told_by_customer and _ADDRESS_CHANGE.search(text):
            return "address_change"
        return "address_confirmation"
    return DEFAULT_PURPOSE[category]


def customer_questions(event: ExceptionEvent, written: str | None) -> list[CustomerQuestion]:
    """What else the customer asks (a restocking fee, a replacement, a pickup…)."""
    text = written if written is not None else event.summary
    return [question for question, pattern in _QUESTIONS.items() if pattern.search(text)]
