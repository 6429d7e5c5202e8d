"""The words around a stated value that say which fact it must match, and the statements
about a delivery that need a fact behind them, in English, Spanish, German and French.

A sentence saying items are "not available" states a short quantity, one saying goods were
"delayed in transit with" a carrier names the shipment's carrier, not the replacement's. A
sentence without such words may match any fact of the right kind.
"""

from __future__ import annotations

import re
from typing import Final, Literal

QuantityRole = Literal["ordered", "short", "available", "returned", "days"]
"""Which quantity a number in a sentence is about."""

CarrierRole = Literal["shipment", "replacement"]
"""Whether a carrier carries the goods already on their way, or the new shipment."""


class Cue:
    """Cue words, matched whatever their case (``re.IGNORECASE``).

    ``re`` tries a case-insensitive alternation at every position of the text: it cannot
    skip ahead to where one of its first letters is. ASCII text is first searched
    lower-cased, with a lower-cased copy of the pattern that ``re`` can skip ahead with —
    3–4× faster; on ASCII text the two find the same, so text in which the copy finds
    nothing holds no cue, and only the rest is searched with the pattern itself (whose
    match, in the text as written, is what a claim quotes). Other text is searched with the
    pattern itself."""

    __slots__ = ("_folded", "pattern")

    def __init__(self, pattern: str) -> None:
        if re.search(r"\\[A-Z]", pattern):
            raise ValueError(f"an upper-case escape would change meaning lower-cased: {pattern}")
        self.pattern = re.compile(pattern, re.IGNORECASE)
        self._folded = re.compile(pattern.lower())

    def search(self, text: str) -> re.Match[str] | None:
        """The first cue in ``text``, if any."""
        if text.isascii() and self._folded.search(text.lower()) is None:
            return None
        return self.pattern.search(text)

    def sub(self, replacement: str, text: str) -> str:
        """``text`` with every cue replaced."""
        return self.pattern.sub(replacement, text)


_I: Final = re.IGNORECASE

QUANTITY_CUES: Final[tuple[tuple[QuantityRole, Cue], ...]] = (
    # Short first: its words are masked before the others are looked for, so "not
    # available to ship" and "nicht wie geplant versandt" are not read as shipped.
    (
        "short",
        Cue(
            r"not (?:yet )?available|unavailable|out of stock|\bshort\b|missing|back-?order"
            r"|remaining|the rest\b|can(?:no|')t (?:be )?ship|not ship"
            r"|no (?:están|está) disponibles?|no disponibles?|agotad\w*|\bfalta\w*|pendientes?"
            r"|restantes?|el resto"
            r"|nicht (?:wie geplant )?(?:lieferbar|verfügbar|vorrätig|versandt)|\bfehl\w*"
            r"|Rückstand|restlich\w*"
            r"|indisponibles?|pas disponibles?|\bmanqu\w*|rupture|reliquat|le reste|restants?",
        ),
    ),
    (
        "available",
        Cue(
            r"\bshipped|\bpicked|\bpacked|dispatched|already sent|ready to ship|ready now"
            r"|enviad[oa]s|preparad[oa]s|despachad\w*|versandt|verschickt|gepackt"
            r"|kommissioniert|expédiée?s?|envoyée?s?|préparée?s?",
        ),
    ),
    ("ordered", Cue(r"\bordered|pedid[oa]s\b|encargad\w*|bestellt\w*|commandée?s?")),
    (
        "returned",
        Cue(
            r"\breturn|\bRMA\b|devoluci\w*|devolver|Rücksend\w*|zurücksend\w*|Rückgabe"
            r"|\bretour\w*",
        ),
    ),
)
"""Sentence words that say which quantity its numbers are about."""

DAYS_UNIT: Final = re.compile(
    r"^\s*(?:business |working |calendar )?(?:days?|días?(?: hábiles)?|(?:Werk|Arbeits)?tagen?"
    r"|jours?(?: ouvrés| ouvrables)?)\b",
    _I,
)
"""A number followed by a day unit is a duration ("30 days")."""
ORDERED_AFTER: Final = re.compile(
    r"^\s*(?:units? )?(?:ordered|unidades pedidas|pedid[oa]s|bestellten?|commandée?s)\b", _I
)
"""A number followed by "ordered" is the quantity ordered ("all 35 ordered")."""
PARTITIVE_BEFORE: Final = re.compile(
    r"(?<![\d.,])\d[\d.,]*+\s+(?:of(?: the)?|de(?: l[ao]s)?|von|sur(?: les)?)\s*$", _I
)
"""A number after "12 of the" is the whole the part is taken from: the quantity ordered."""

CARRIER_CUES: Final[tuple[tuple[CarrierRole, Cue], ...]] = (
    (
        "replacement",
        Cue(
            r"replacement|reship|new shipment|faster|upgrad\w*|expedit\w*"
            r"|another of our warehouses|reemplazo|más rápido|otro de nuestros almacenes"
            r"|\bErsatz\w*|schneller\w*|anderen unserer Lager|remplacement|plus rapide"
            r"|autre de nos entrepôts",
        ),
    ),
    (
        "shipment",
        Cue(
            r"delayed|held up|\blate\b|in transit|investigat\w*|tracking|\blost\b|damaged"
            r"|follow it|not reached|on (?:its|their) way|cannot be delivered"
            r"|retrasad\w*|retenid\w*|transporte|seguimiento|investiga\w*|perdid\w*|dañad\w*"
            r"|en camino|no puede entregarlo"
            r"|aufgehalten|verzöger\w*|Transport|Sendungsnummer|verfolgen|Verbleib"
            r"|beschädigt|unterwegs|nicht zugestellt"
            r"|retenue?|retard\w*|transport|suivi|enquête|perdu|endommagée?|en route"
            r"|ne peut pas être livrée",
        ),
    ),
)
"""Sentence words that say which carrier a name must be."""

PROMISE_BEFORE: Final = Cue(
    r"(?:promis\w*|prometimos|prometid\w*|zugesagt\w*|Zusage)"
    r"[^.!?]{0,20}$",
)
"""A date just after "promised" is the promised date, whatever the sentence says."""

ARRIVAL: Final = Cue(
    r"will (?:arrive|be delivered|reach you)|(?:is|are) (?:now )?(?:expected|scheduled|due)"
    r"|expects? to deliver|expect(?:ed)? to arrive|on (?:its|their) way"
    r"|llegar[áa]n?\b|se entregar[áa]|esperamos entregar|prevé entregar|previst[oa] que llegue"
    r"|en camino"
    r"|wird[^.!?]{0,60}(?:zugestellt|geliefert|ankommen|eintreffen)"
    r"|erwarte[nt]? die (?:Zustellung|Lieferung)|Zustellung wird[^.!?]{0,30}erwartet|unterwegs"
    r"|arrivera|sera livrée?|seront livrée?s|prévoit[^.!?]{0,30}livrer"
    r"|prévoyons[^.!?]{0,30}livrer|livraison (?:est )?(?:désormais )?prévue|en route",
)
"""Words that tell the customer goods are still to come."""

DELIVERED: Final = Cue(
    r"(?:was|were|been|is) delivered|delivered (?:on|by)|se entregó|\bentregó|wurde[^.!?]{0,40}"
    r"zugestellt|zugestellt am|a été livrée?|ont été livrée?s|été livrée? le",
)
"""Words that say goods were delivered: a date beside them is the delivery date."""

LATE: Final = Cue(
    r"running late|\b(?:is|are|be|arrive|arriving) late\b|later than (?:the )?(?:delivery date )?"
    r"(?:we )?promised|after the (?:promised|agreed) (?:delivery )?date"
    r"|miss(?:es|ed)? the (?:promised )?delivery date|behind schedule|sorry for the delay"
    r"|con retraso|llegará tarde|después de la fecha de entrega que le prometimos"
    r"|fuera de plazo|lamentamos el retraso"
    r"|verspätet|Verspätung|später als (?:der )?zugesagte|entschuldigen Sie die Verzögerung"
    r"|en retard|après la date de livraison que nous vous avions promise|hors délai",
)
"""Words that tell the customer the order will miss its promised date."""

ASKS_ORDER_NUMBER: Final = Cue(
    r"(?:reply|respond|send|provide|give|tell|let us know|share)\b[^.?!]{0,40}"
    r"\b(?:order|PO|purchase order)(?: or PO)? number"
    r"|\b(?:order|PO)(?: or PO)? number[^.?!]{0,40}\?"
    r"|(?:indic|respond|envi|facilit|proporcion)\w*[^.?!]{0,50}número de (?:pedido|orden de compra)"
    r"|número de (?:pedido|orden de compra)[^.?!]{0,40}\?"
    r"|\bmit (?:Ihrer|der)\b[^.?!]{0,30}(?:Auftrags-|Bestellnummer|Auftragsnummer)"
    r"|\b(?:nennen|senden|schicken|teilen) Sie uns[^.?!]{0,40}(?:Bestell|Auftrags)nummer"
    r"|(?:Auftrags|Bestell)nummer[^.?!]{0,40}\?"
    r"|(?:indiqu|envoy|communiqu|précis|donn|répond)\w*[^.?!]{0,50}"
    r"num[ée]ro de (?:commande|bon de commande)"
    r"|num[ée]ro de (?:commande|bon de commande)[^.?!]{0,40}\?",
)
"""Asking the customer for an order or PO number."""
