"""The claim checker: every quantity, date, amount, identifier and carrier a customer message
states must be backed by a fact of its case, and what it says of the delivery must agree
with the facts (CONTRACT §7).

It reads the subject and body as plain text — whoever wrote them: a template, a person
editing the draft, a language model — and does not trust ``facts_used``; it checks that
list too. Each claim is matched against the request's facts of its kind, narrowed by the
words around it (``_claim_cues``): a number in a sentence about items "not available" must
be a short quantity, a carrier in a sentence about a shipment "delayed in transit" must be
that shipment's carrier, a date in a sentence about goods still to come must be an ETA. The
codes:

``fact_unknown`` / ``fact_mismatch``
    ``facts_used`` names a fact the request does not hold, or gives it another value.
``unbacked_quantity`` / ``unbacked_date`` / ``unbacked_money`` / ``unbacked_identifier`` /
``unbacked_carrier``
    A stated value no fact of that kind (and role) holds.
``relative_date``
    "tomorrow", "mañana", "Montag": a day no fact can back.
``late_claim``
    The message says the order is late where the facts say the promise holds.
``arrival_claim``
    The message says goods are still to come where the facts say they were delivered.
``asks_known_order``
    The message asks for an order number the case already has.

Text that is the value of a prose fact (a description, a city, a name) is exempt: "Cable
Tie, 50 lb, 8 in" states no quantity.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Final, Literal

from exdesk.domain import (
    CARRIER_COMPANIES,
    CustomerDraft,
    DraftRequest,
    Fact,
    PolicyResult,
    carrier_display_name,
    same_carrier,
)
from exdesk.policies._claim_cues import (
    ARRIVAL,
    ASKS_ORDER_NUMBER,
    LATE,
    Cue,
)
from exdesk.policies._claim_roles import Context, FactJudge, number
from exdesk.policies._claim_text import (
    Mention,
    address_spans,
    carrier_pattern,
    find_carriers,
    find_dates,
    find_identifiers,
    find_money,
    find_quantities,
    find_relative_dates,
    mask,
    mask_values,
    normal_identifier,
    phone_spans,
    sentences,
)
from exdesk.policies.config import PolicyConfig

__all__ = ["Claim", "ClaimCode", "ClaimViolation", "check_claims", "claims_review", "read_claims"]

ClaimKind = Literal[
    "quantity",
    "date",
    "money",
    "identifier",
    "carrier",
    "relative_date",
    "late",
    "arrival",
    "asks_order_number",
]
"""What a claim states: a value of a fact kind, or something about the delivery."""

ClaimCode = Literal[
    "fact_unknown",
    "fact_mismatch",
    "unbacked_quantity",
    "unbacked_date",
    "unbacked_money",
    "unbacked_identifier",
    "unbacked_carrier",
    "relative_date",
    "late_claim",
    "arrival_claim",
    "asks_known_order",
]
"""Why a claim is not backed (see the module docstring)."""

POLICY_ID: Final = "customer-message-claims"

_CODE_VALUE: Final = re.compile(r"[a-z][a-z_]*")
"""Text facts that are codes (``on_time``, ``reship``) are worded by the drafter, never
quoted, so they are no prose to exempt."""
_LABELS: Final[dict[str, str]] = {
    "qty_ordered": "quantity ordered",
    "short_qty": "short quantity",
    "available_qty": "quantity available",
    "return_qty": "quantity to return",
    "requested_qty": "quantity the customer asked about",
    "return_window_days": "return window in days",
    "eta": "ETA",
    "new_eta": "new ETA",
    "promised_date": "promised date",
    "delivered_date": "delivery date",
    "carrier": "carrier",
    "new_carrier": "new carrier",
    "order_id": "order number",
    "po_number": "PO number",
    "tracking_number": "tracking number",
    "rma_id": "RMA number",
    "delivery_outlook": "delivery outlook",
}
_QUOTE_LIMIT: Final = 140


@dataclass(frozen=True)
class Claim:
    """One thing a message states, the sentence it is in, and the fact backing it (if any)."""

    kind: ClaimKind
    text: str
    """The claim as written."""
    sentence: str
    values: tuple[str, ...]
    """What it can be read as (ISO dates, decimal strings, identifiers, carrier names)."""
    backed_by: Fact | None = field(compare=False)
    violation: ClaimViolation | None

    def states(self, kind: str, value: str = "") -> bool:
        """Whether this claim states ``value`` as a ``kind`` (any value when empty): dates
        as ISO, numbers and amounts by value, identifiers and carriers as compared."""
        if kind != self.kind:
            return False
        if not value:
            return True
        if kind in {"quantity", "money"}:
            return number(value) in self.values
        if kind == "date":
            return value in self.values or f"????{value[4:]}" in self.values
        if kind == "identifier":
            return normal_identifier(value) in self.values
        if kind == "carrier":
            return same_carrier(self.text, value)
        return value.casefold() in self.text.casefold()


@dataclass(frozen=True)
class ClaimViolation:
    """A claim a message must not make as written."""

    code: ClaimCode
    sentence: str
    claim: str
    fact: Fact | None = field(compare=False)
    """The fact it contradicts, when one is of its kind."""
    message: str


def _quote(sentence: str) -> str:
    text = " ".join(sentence.split()).strip()
    return f'"{text[: _QUOTE_LIMIT - 1]}…"' if len(text) > _QUOTE_LIMIT else f'"{text}"'


def _fact_text(fact: Fact) -> str:
    label = _LABELS.get(fact.name, fact.name.replace("_", " "))
    value = carrier_display_name(fact.value) if fact.kind == "carrier" else fact.value
    return f"{fact.source} {label} is {value}"


_UNBACKED: Final[dict[str, ClaimCode]] = {
    "quantity": "unbacked_quantity",
    "date": "unbacked_date",
    "money": "unbacked_money",
    "identifier": "unbacked_identifier",
    "carrier": "unbacked_carrier",
}


def _prose(request: DraftRequest) -> list[str]:
    texts = [
        f.value for f in request.facts if f.kind == "text" and not _CODE_VALUE.fullmatch(f.value)
    ]
    return [*texts, request.recipient_name or "", request.customer_name or ""]


def _carrier_names(request: DraftRequest) -> list[str]:
    names = [name for company in CARRIER_COMPANIES for name in company.names()]
    for fact in request.facts:
        if fact.kind == "carrier":
            names += [fact.value, carrier_display_name(fact.value)]
    return names


def _mentions(text: str, request: DraftRequest, language: str) -> tuple[str, str, list[Mention]]:
    """The text with prose facts masked, the text with every value masked too, and every
    value it states. Each finder reads what the ones before it left: a date is not also a
    phone number, a tracking number not also a quantity."""
    prose_masked = mask_values(text, _prose(request))
    masked = mask(prose_masked, address_spans(prose_masked))
    carriers = carrier_pattern(_carrier_names(request))
    mentions: list[Mention] = []
    steps: list[Callable[[str], list[Mention]]] = [
        find_dates,
        find_money,
        find_relative_dates,
        find_identifiers,
        lambda t: find_carriers(t, carriers),
        lambda t: list(find_quantities(t, language)),
    ]
    for index, step in enumerate(steps):
        if index == 2:
            masked = mask(masked, phone_spans(masked))
        found = step(masked)
        mentions += found
        masked = mask(masked, (m.span for m in found))
    return prose_masked, masked, sorted(mentions, key=lambda m: m.span)


def read_claims(draft: CustomerDraft, request: DraftRequest) -> list[Claim]:
    """Every claim the draft's subject and body make, each with its backing fact or the
    violation it is."""
    text = f"{draft.subject}\n\n{draft.body}"
    language = draft.locale.split("-", 1)[0].lower()
    prose_masked, masked, mentions = _mentions(text, request, language)
    judge = FactJudge(request)
    claims: list[Claim] = []
    for start, end in sentences(prose_masked):
        sentence, readable = masked[start:end], text[start:end]
        for mention in (m for m in mentions if start <= m.span[0] < end):
            at = Context(
                mention,
                sentence,
                prose_masked[start : mention.span[0]],
                prose_masked[mention.span[1] : end],
            )
            claims.append(_judge_value(judge, at, readable))
        claims += _delivery_claims(judge, sentence, readable)
    return claims


def _judge_value(judge: FactJudge, at: Context, readable: str) -> Claim:
    kind = at.mention.kind
    if kind == "relative_date":
        message = f"{_quote(readable)} states {at.mention.text!r}, a day no fact can back"
        relative = ClaimViolation("relative_date", readable, at.mention.text, None, message)
        return Claim("relative_date", at.mention.text, readable, (), None, relative)
    decide = {
        "quantity": judge.quantity,
        "date": judge.date,
        "money": judge.money,
        "identifier": judge.identifier,
        "carrier": judge.carrier,
    }[kind]
    backing, contradicted = decide(at)
    violation: ClaimViolation | None = None
    if backing is None:
        where = (
            f"where {_fact_text(contradicted)}"
            if contradicted is not None
            else "which no fact of the case backs"
        )
        message = f"{_quote(readable)} states {at.mention.text} {where}"
        violation = ClaimViolation(
            _UNBACKED[kind], readable, at.mention.text, contradicted, message
        )
    return Claim(kind, at.mention.text, readable, at.mention.values, backing, violation)


def _delivery_claims(judge: FactJudge, sentence: str, readable: str) -> list[Claim]:
    """What a sentence says of the delivery — late, still to come, asking for an order
    number — each against the fact that decides it."""
    outlook, request = judge.outlook, judge.request
    delivered = request.fact("delivered_date") or outlook
    order = request.fact("order_id")
    found = [
        _delivery_claim(
            "late", LATE, sentence, readable, outlook,
            holds=outlook is not None and outlook.value == "late",
            says="says the order is late",
        ),
        _delivery_claim(
            "arrival", ARRIVAL, sentence, readable, delivered,
            holds=outlook is None or outlook.value != "delivered",
            says="says the goods are still to come",
        ),
        _delivery_claim(
            "asks_order_number", ASKS_ORDER_NUMBER, sentence, readable, order,
            holds=order is None,
            says="asks for the order number",
        ),
    ]  # fmt: skip
    return [claim for claim in found if claim is not None]


_DELIVERY_CODES: Final[dict[ClaimKind, ClaimCode]] = {
    "late": "late_claim",
    "arrival": "arrival_claim",
    "asks_order_number": "asks_known_order",
}


def _delivery_claim(
    kind: ClaimKind,
    pattern: Cue,
    sentence: str,
    readable: str,
    fact: Fact | None,
    *,
    holds: bool,
    says: str,
) -> Claim | None:
    match = pattern.search(sentence)
    if match is None:
        return None
    violation = None
    if not holds:
        where = f"where {_fact_text(fact)}" if fact else "where no fact says so"
        message = f"{_quote(readable)} {says} {where}"
        violation = ClaimViolation(_DELIVERY_CODES[kind], readable, match.group(0), fact, message)
    return Claim(kind, match.group(0), readable, (), fact if holds else None, violation)


def _facts_used_violations(draft: CustomerDraft, request: DraftRequest) -> list[ClaimViolation]:
    violations = []
    for used in draft.facts_used:
        held = [
            f
            for f in request.facts
            if f.name == used.name and (used.source is None or f.source == used.source)
        ]
        if not held:
            message = (
                f"facts_used names {used.name!r} ({used.source}), which the case does not hold"
            )
            violations.append(ClaimViolation("fact_unknown", "", used.name, None, message))
        elif all(" ".join(f.value.split()) != " ".join(used.value.split()) for f in held):
            message = f"facts_used gives {used.value!r} where {_fact_text(held[0])}"
            violations.append(ClaimViolation("fact_mismatch", "", used.value, held[0], message))
    return violations


def check_claims(draft: CustomerDraft, request: DraftRequest) -> list[ClaimViolation]:
    """Every claim of ``draft`` the facts of ``request`` do not back; empty means it may be
    sent as far as its facts go. Pure: reads only its arguments."""
    return _violations(draft, request, read_claims(draft, request))


def _violations(
    draft: CustomerDraft, request: DraftRequest, claims: Sequence[Claim]
) -> list[ClaimViolation]:
    found = _facts_used_violations(draft, request)
    found += [claim.violation for claim in claims if claim.violation]
    return list(dict.fromkeys(found))


def claims_review(
    config: PolicyConfig, draft: CustomerDraft, request: DraftRequest
) -> PolicyResult:
    """``customer-message-claims``: a draft with an unbacked claim may only be edited or
    rejected (``deny``); otherwise the result says how many claims were checked."""
    claims = read_claims(draft, request)
    violations = _violations(draft, request, claims)
    role = config.customer_message.approver_role
    if violations:
        reason = "; ".join(v.message for v in violations)
        return PolicyResult(
            policy_id=POLICY_ID,
            version=config.version,
            subject="customer_message",
            effect="deny",
            reason=reason,
            required_role=role,
        )
    return PolicyResult(
        policy_id=POLICY_ID,
        version=config.version,
        subject="customer_message",
        effect="allow",
        reason=f"{len(claims)} claims, each backed by a fact of the case",
    )
