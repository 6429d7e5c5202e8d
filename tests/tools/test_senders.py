"""Look-alike sender domains and senders who are not a customer's contact."""

from __future__ import annotations

import pytest

from exdesk.tools.senders import imitates, sender_warnings
from tests.support.factories import make_customer

CANYON = make_customer("C-CANYON", email="buyer@canyon-castings.example.com")
KNOWN = [(CANYON.customer_id, CANYON.contact.email)]


@pytest.mark.parametrize(
    "domain",
    [
        "canyon-castlngs.example.net",  # i -> l, another top-level domain
        "canyon-castings.example.net",  # the same name elsewhere
        "canyon-casting.example.com",  # one letter dropped
        "canyon-castings.exarnple.com",  # rn for m
        "canyon-cast1ngs.example.com",  # digit for letter
    ],
)
def test_a_domain_that_reads_like_a_customers_is_a_look_alike(domain: str) -> None:
    assert imitates(domain, "canyon-castings.example.com")


@pytest.mark.parametrize(
    "domain", ["canyon-castings.example.com", "brightline.example.org", "acme.example.com"]
)
def test_the_customers_own_domain_and_unrelated_ones_are_not(domain: str) -> None:
    assert not imitates(domain, "canyon-castings.example.com")


def test_a_look_alike_sender_is_flagged_even_when_it_names_no_customer() -> None:
    warnings = sender_warnings("ar@canyon-castlngs.example.net", None, KNOWN)

    assert any("looks like canyon-castings.example.com" in w for w in warnings)


def test_a_colleague_at_the_customers_domain_raises_nothing() -> None:
    assert sender_warnings("dock@canyon-castings.example.com", CANYON, KNOWN) == []


def test_a_stranger_writing_about_a_customer_is_flagged() -> None:
    [warning] = sender_warnings("attacker@evil.example", CANYON, KNOWN)

    assert "not a known contact of customer C-CANYON" in warning
