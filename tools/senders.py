"""Who sent an event, judged against the customers' contacts on file: a sender who is not a
known contact of the case's customer, and a domain that imitates a known customer's
(``canyon-castlngs.example.net`` for ``canyon-castings.example.com``).

Both become warnings on the case: a person must look before anything is sent or done.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from typing import Final

from exdesk.domain import CustomerAccount
from exdesk.domain.email_domains import domain_key, domain_of

MAX_LOOKALIKE_DISTANCE: Final = 2
"""Edits (after confusable characters are folded) at most between a domain and the one it
imitates; names shorter than ``MIN_LOOKALIKE_LENGTH`` must match exactly after folding."""

MIN_LOOKALIKE_LENGTH: Final = 6


def edit_distance(a: str, b: str, bound: int) -> int:
    """Levenshtein distance between two short strings, stopping early at ``bound + 1``."""
    if abs(len(a) - len(b)) > bound:
        return bound + 1
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        if min(current) > bound:
            return bound + 1
        previous = current
    return previous[-1]


@functools.lru_cache(maxsize=16_384)
def imitates(domain: str, known: str) -> bool:
    """Whether ``domain`` is not ``known`` but reads like it: the same name under another
    top-level domain, the same after folding confusables, or within a couple of edits.

    Senders repeat, and so do the customers the database finds they may imitate: each
    pair is judged once per process."""
    if domain == known:
        return False
    mine, theirs = domain_key(domain), domain_key(known)
    if mine == theirs:
        return True
    if min(len(mine), len(theirs)) < MIN_LOOKALIKE_LENGTH:
        return False
    return edit_distance(mine, theirs, MAX_LOOKALIKE_DISTANCE) <= MAX_LOOKALIKE_DISTANCE


def sender_warnings(
    sender: str | None, customer: CustomerAccount | None, known: Iterable[tuple[str, str]]
) -> list[str]:
    """Warnings about the sender of an event: a look-alike of a known customer's domain, or
    (with a customer bound to the case) an address outside that customer's domain.

    ``known``: (id, contact e-mail address) of the customers whose domain the sender's may
    imitate — at least each one :func:`imitates` flags (the database finds them by the
    look-alike key stored with each contact, ``NetworkReader.named``)."""
    if sender is None:
        return []
    domain = domain_of(sender)
    warnings: list[str] = []
    for customer_id, email in known:
        theirs = domain_of(email)
        if imitates(domain, theirs):
            warnings.append(
                f"sender domain {domain} looks like {theirs} of customer {customer_id}: "
                "possible impersonation, nothing is done or sent without a person"
            )
            break
    if customer is None:
        warnings.append(f"sender {sender} is not a known contact of any customer: no reply is sent")
    elif domain != domain_of(customer.contact.email):
        warnings.append(
            f"sender {sender} is not a known contact of customer {customer.customer_id}: "
            f"any reply goes only to the contact on file ({customer.contact.email}), after a "
            "person approves it"
        )
    return warnings
