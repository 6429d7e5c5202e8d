"""The sender check judges an event's sender against the contacts the database finds it
may imitate: never one fewer than the check itself would flag among every customer's,
never the sender's own domain, and far fewer than every customer."""

from __future__ import annotations

import random
import string
from collections.abc import Iterator

import psycopg
import pytest

from exdesk.domain import NetworkSnapshot
from exdesk.domain.email_domains import domain_of, lookalike_key
from exdesk.store.database import CONNECTION_KWARGS
from exdesk.store.network import NetworkReader, replace_network
from exdesk.tools.senders import imitates
from tests.support.factories import make_customer

TENANT = "acme"

_LIKE = {"m": "rn", "w": "vv", "d": "cl", "o": "0", "l": "1", "s": "5", "-": "_"}
"""A letter and what reads like it (the inverse of the check's folding)."""


def _known(rng: random.Random) -> list[str]:
    """Customer domains: hyphenated names of several lengths under several top levels."""
    words = ["canyon", "castings", "bright", "line", "mold", "world", "acme", "delta", "supply"]
    domains = {"gmail.com", "ab.example", "mini.co"}
    while len(domains) < 60:
        name = "-".join(rng.sample(words, rng.randint(1, 3)))
        domains.add(f"{name}.{rng.choice(['example.com', 'example.net', 'com', 'de', 'co.uk'])}")
    return sorted(domains)


def _mutations(domain: str, rng: random.Random) -> list[str]:
    """Senders' domains a look-alike might use, and some that are nothing like it."""
    name, _, tld = domain.rpartition(".")
    found = {domain, f"{name}.org", f"{name}.{tld}.evil"}
    for i, char in enumerate(name):
        if char in _LIKE:
            found.add(f"{name[:i]}{_LIKE[char]}{name[i + 1 :]}.{tld}")
        found.add(f"{name[:i]}{name[i + 1 :]}.{tld}")  # one letter dropped
    letters = string.ascii_lowercase + "-0123456789"
    for _ in range(12):  # one or two random edits
        edited = list(name)
        for _ in range(rng.randint(1, 2)):
            at = rng.randrange(len(edited) + 1)
            match rng.choice(["insert", "replace", "delete"]):
                case "insert":
                    edited.insert(at, rng.choice(letters))
                case "replace" if at < len(edited):
                    edited[at] = rng.choice(letters)
                case "delete" if at < len(edited):
                    del edited[at]
        found.add(f"{''.join(edited) or 'x'}.{tld}")
    found.add("".join(rng.choices(string.ascii_lowercase, k=rng.randint(3, 20))) + ".com")
    return sorted(found)


@pytest.fixture
def reader(database_url: str) -> Iterator[NetworkReader]:
    """A tenant whose customers' contacts are at sixty domains."""
    rng = random.Random(20261203)
    customers = [
        make_customer(f"C-{n:03d}", email=f"ap@{domain}") for n, domain in enumerate(_known(rng))
    ]
    with psycopg.connect(database_url, **CONNECTION_KWARGS) as conn:
        replace_network(conn, TENANT, NetworkSnapshot(customers=customers))
        yield NetworkReader(conn, TENANT)


def _contacts(reader: NetworkReader, sender: str) -> dict[str, str]:
    named = reader.named(customer_id=None, sender_email=sender, shipment_id=None, order_id=None)
    return dict(named.contacts)


def test_the_database_finds_every_contact_the_check_would_flag(reader: NetworkReader) -> None:
    """Against every customer, by the check's own rule: each one it flags is found, and
    what is found is a few, not every customer."""
    rng = random.Random(7)
    every = {
        row["customer_id"]: row["contact_email"]
        for row in reader._conn.execute(
            "SELECT customer_id, contact_email FROM customers WHERE tenant_id = %s", (TENANT,)
        ).fetchall()
    }
    senders = [
        f"ar@{d}"
        for known in sorted(set(map(domain_of, every.values())))
        for d in _mutations(known, rng)
    ]
    flagged_any = 0
    for sender in senders:
        found = _contacts(reader, sender)
        flagged = {c for c, email in every.items() if imitates(domain_of(sender), domain_of(email))}
        assert flagged <= set(found), sender
        assert len(found) < len(every) // 4, sender
        assert all(domain_of(email) != domain_of(sender) for email in found.values())
        flagged_any += bool(flagged)
    assert flagged_any > len(senders) // 2  # the mutations do read like customers


def test_no_sender_no_contacts_and_a_sender_of_any_length(reader: NetworkReader) -> None:
    assert _contacts(reader, "ar@gmail.com") == {}  # the sender's own domain is no look-alike
    named = reader.named(customer_id=None, sender_email=None, shipment_id=None, order_id=None)
    assert named.contacts == []
    long_name = "a" * 300 + ".com"
    assert _contacts(reader, f"ar@{long_name}") == {}
    assert len(lookalike_key(f"ar@{long_name}")) > 255
