"""E-mail domains as a reader sees them: the domain of an address, the name it carries
without its top-level label, and that name with look-alike characters folded — the key a
look-alike domain shares with the one it imitates (``canyon-castlngs.example.net`` and
``canyon-castings.example.com``). The sender check (``tools/senders.py``) judges by it, and
each customer's key is stored beside its contact so the database finds the few it may
concern."""

from __future__ import annotations

from typing import Final

_CONFUSABLES: Final = (
    ("rn", "m"),
    ("vv", "w"),
    ("cl", "d"),
    ("0", "o"),
    ("1", "l"),
    ("i", "l"),
    ("|", "l"),
    ("5", "s"),
    ("_", "-"),
)
"""Characters (and pairs) that read alike in a mail client, folded to one spelling."""


def domain_of(address: str) -> str:
    """The domain of an e-mail address, lower-cased (the whole text when it has no ``@``)."""
    return address.rsplit("@", 1)[-1].strip().strip(".").lower()


def name_part(domain: str) -> str:
    """The domain without its top-level label: what a look-alike imitates
    (``canyon-castings.example`` of ``canyon-castings.example.com``)."""
    labels = domain.split(".")
    return ".".join(labels[:-1]) if len(labels) > 1 else domain


def skeleton(text: str) -> str:
    """The text with confusable characters folded to one spelling."""
    folded = text.lower()
    for look, like in _CONFUSABLES:
        folded = folded.replace(look, like)
    return folded


def domain_key(domain: str) -> str:
    """What a domain reads as: the skeleton of its name part."""
    return skeleton(name_part(domain))


def lookalike_key(address: str) -> str:
    """What an address's domain reads as (:func:`domain_key` of its domain)."""
    return domain_key(domain_of(address))
