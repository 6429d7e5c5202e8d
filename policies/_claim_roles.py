"""Which fact a stated value must match: the facts of its kind, narrowed by the role the
words around it give it (``_claim_cues``), and the one it contradicts when none matches."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Final

from exdesk.domain import DraftRequest, Fact, same_carrier
from exdesk.policies._claim_cues import (
    ARRIVAL,
    CARRIER_CUES,
    DAYS_UNIT,
    DELIVERED,
    ORDERED_AFTER,
    PARTITIVE_BEFORE,
    PROMISE_BEFORE,
    QUANTITY_CUES,
    CarrierRole,
    QuantityRole,
)
from exdesk.policies._claim_text import Mention, normal_identifier, normal_number

QUANTITY_ROLES: Final[dict[str, QuantityRole]] = {
    "qty_ordered": "ordered",
    "short_qty": "short",
    "available_qty": "available",
    "return_qty": "returned",
    "requested_qty": "returned",
}
CARRIER_ROLES: Final[dict[str, CarrierRole]] = {
    "carrier": "shipment",
    "new_carrier": "replacement",
}
ARRIVAL_DATES: Final = ("new_eta", "replacement_eta", "eta")
"""Dates goods are still expected on, the one a sentence most likely means first."""

Verdict = tuple[Fact | None, Fact | None]
"""(the fact backing a claim, the fact it contradicts when the context names one)."""


def first(facts: Sequence[Fact]) -> Fact | None:
    """The first of ``facts``, if any."""
    return facts[0] if facts else None


def number(value: str) -> str | None:
    """A fact's numeric value as mentions hold it (None when it is not a number)."""
    try:
        return normal_number(Decimal(value))
    except InvalidOperation:
        return None


@dataclass(frozen=True)
class Context:
    """A mention with the text around it inside its sentence."""

    mention: Mention
    sentence: str
    before: str
    after: str


class FactJudge:
    """Holds one request's facts and decides, claim by claim, what backs it."""

    def __init__(self, request: DraftRequest) -> None:
        self.request = request
        self.facts = request.facts
        self.outlook = request.fact("delivery_outlook")

    def of_kind(self, kind: str) -> list[Fact]:
        """The request's facts of one kind."""
        return [fact for fact in self.facts if fact.kind == kind]

    def quantity(self, at: Context) -> Verdict:
        """What backs (or is contradicted by) a stated quantity."""
        facts = self.of_kind("quantity")
        roles = self._quantity_roles(at)

        def role(fact: Fact) -> QuantityRole | None:
            return "days" if fact.name.endswith("_days") else QUANTITY_ROLES.get(fact.name)

        allowed = facts if roles is None else [f for f in facts if role(f) in roles or not role(f)]
        backing = next((f for f in allowed if number(f.value) in at.mention.values), None)
        return backing, None if roles is None else first(allowed)

    def _quantity_roles(self, at: Context) -> set[QuantityRole] | None:
        if DAYS_UNIT.match(at.after):
            return {"days"}
        if ORDERED_AFTER.match(at.after) or PARTITIVE_BEFORE.search(at.before):
            return {"ordered"}
        sentence = at.sentence
        roles: set[QuantityRole] = set()
        for role, pattern in QUANTITY_CUES:
            if pattern.search(sentence):
                roles.add(role)
                sentence = pattern.sub(" ", sentence)
        return roles or None

    def date(self, at: Context) -> Verdict:
        """What backs (or is contradicted by) a stated date."""
        facts = self.of_kind("date")
        narrowed = True
        if PROMISE_BEFORE.search(at.before):
            allowed = [f for f in facts if f.name == "promised_date"] or facts
        elif DELIVERED.search(at.sentence):
            allowed = [f for f in facts if f.name == "delivered_date"] or facts
        elif ARRIVAL.search(at.sentence):
            outlook = self.outlook.value if self.outlook else None
            allowed = sorted(
                (f for f in facts if f.name in ARRIVAL_DATES),
                key=lambda f: ARRIVAL_DATES.index(f.name),
            )
            if outlook not in {"late", "delivered"}:
                allowed += [f for f in facts if f.name == "promised_date"]
        else:
            allowed, narrowed = facts, False

        def matches(fact: Fact) -> bool:
            return any(
                value == fact.value[:10] or (value[:4] == "????" and value[4:] == fact.value[4:10])
                for value in at.mention.values
            )

        backing = next((f for f in allowed if matches(f)), None)
        return backing, first(allowed) if narrowed else None

    def carrier(self, at: Context) -> Verdict:
        """What backs (or is contradicted by) a stated carrier."""
        facts = self.of_kind("carrier")
        roles = {role for role, pattern in CARRIER_CUES if pattern.search(at.sentence)}
        narrowed = len(roles) == 1
        if narrowed:
            allowed = [f for f in facts if CARRIER_ROLES.get(f.name, "shipment") in roles]
        else:
            allowed = facts
        backing = next((f for f in allowed if same_carrier(at.mention.text, f.value)), None)
        return backing, first(allowed) if narrowed else None

    def identifier(self, at: Context) -> Verdict:
        """What backs (or is contradicted by) a stated identifier."""
        facts = self.of_kind("identifier")
        found = at.mention.values[0]
        backing = next((f for f in facts if normal_identifier(f.value) == found), None)
        if backing is None and found.isdigit():
            quantities = self.of_kind("quantity")
            backing = next((f for f in quantities if number(f.value) == number(found)), None)
        return backing, None

    def money(self, at: Context) -> Verdict:
        """What backs (or is contradicted by) a stated money."""
        facts = self.of_kind("money")
        backing = next((f for f in facts if number(f.value) in at.mention.values), None)
        return backing, first(facts)
