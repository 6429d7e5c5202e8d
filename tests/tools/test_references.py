"""Finding references in free text: order ids, tracking numbers and who sent it."""

from __future__ import annotations

import pytest

from exdesk.tools.references import find_references

FORWARDED_THREAD = """Hi team, please look at the message below.

---------- Forwarded message ---------
From: Maria Lopez <Maria.Lopez@Acme-Retail.example>
Date: Mon, 10 Mar 2025 at 09:12
Subject: Where is my order SO-104108?
To: orders@supplier.example

Tracking 1Z8V4E270291660190 has not moved since Friday.
"""

NESTED_THREAD = """FYI

-----Original Message-----
From: "Lopez, Maria" <maria.lopez@acme-retail.example>
Sent: Monday, March 10, 2025 9:12 AM

Still waiting.

-----Original Message-----
From: Shipping Desk <noreply@carrier.example>
Sent: Friday, March 7, 2025 5:00 PM

Delivery exception for CRX88000074.
"""


@pytest.mark.parametrize(
    "text",
    [
        "order SO-104108 is late",
        "Order #SO-104108 is late",
        "order: SO-104108.",
        "(SO-104108)",
        "Re: SO-104108, please advise",
        "so-104108 lower case",
        "order SO-104108-",
    ],
)
def test_an_order_id_is_found_in_its_usual_settings(text: str) -> None:
    assert find_references(text).identifiers == ("SO-104108",)


@pytest.mark.parametrize(
    "tracking",
    ["1Z8V4E270291660190", "1720908784", "CRX88000074", "9400111899223197428490"],
)
def test_tracking_numbers_are_found(tracking: str) -> None:
    assert tracking in find_references(f"tracking {tracking} stalled").identifiers


def test_identifiers_are_upper_cased_deduplicated_and_in_order_of_appearance() -> None:
    text = "sh-88207 then SO-104117, again SH-88207 and so-104117, finally SO-104108"
    assert find_references(text).identifiers == ("SH-88207", "SO-104117", "SO-104108")


@pytest.mark.parametrize(
    "text",
    [
        "nothing to see here",
        "qty 12 of item 7",
        "ref 1234",
        "#123",
        "PO-12",
        "ABCDEFGH",
        "",
    ],
)
def test_short_or_digitless_tokens_are_not_candidates(text: str) -> None:
    assert find_references(text).identifiers == ()


def test_the_limit_caps_the_candidates() -> None:
    text = " ".join(f"SO-{n:06d}" for n in range(100))
    refs = find_references(text, limit=3)
    assert refs.identifiers == ("SO-000000", "SO-000001", "SO-000002")
    assert len(find_references(text).identifiers) == 40


def test_a_forwarded_thread_yields_its_order_tracking_and_sender() -> None:
    refs = find_references(FORWARDED_THREAD)
    assert "SO-104108" in refs.identifiers
    assert "1Z8V4E270291660190" in refs.identifiers
    assert refs.sender_email == "maria.lopez@acme-retail.example"
    assert refs.emails == ("maria.lopez@acme-retail.example", "orders@supplier.example")


def test_the_first_from_header_of_a_nested_thread_is_the_sender() -> None:
    refs = find_references(NESTED_THREAD)
    assert refs.sender_email == "maria.lopez@acme-retail.example"
    assert "CRX88000074" in refs.identifiers


def test_a_from_header_wins_over_an_address_mentioned_earlier() -> None:
    text = "Please copy billing@acme.example on replies.\nFrom: buyer@acme.example\nHello"
    refs = find_references(text)
    assert refs.sender_email == "buyer@acme.example"
    assert refs.emails == ("billing@acme.example", "buyer@acme.example")


@pytest.mark.parametrize(
    "header",
    [
        "From: buyer@acme.example",
        "FROM: Buyer <buyer@acme.example>",
        "from:buyer@acme.example",
        "   From: Buyer Name <buyer@acme.example>",
        "De: Comprador <buyer@acme.example>",
        "Von: Einkauf <buyer@acme.example>",
        "Reply-To: buyer@acme.example",
        'From: "Buyer, The" <Buyer@ACME.example>',
    ],
)
def test_sender_headers_in_several_forms_and_languages(header: str) -> None:
    text = f"mentioned@other.example wrote earlier\n{header}\nbody"
    assert find_references(text).sender_email == "buyer@acme.example"


def test_from_in_the_middle_of_a_line_is_not_a_header() -> None:
    text = "We heard from: someone@other.example\nFrom: buyer@acme.example"
    assert find_references(text).sender_email == "buyer@acme.example"


def test_without_a_header_the_first_address_is_the_sender() -> None:
    refs = find_references("Contact Jane.Doe@Acme.example or ops@acme.example about SO-104108")
    assert refs.sender_email == "jane.doe@acme.example"
    assert refs.emails == ("jane.doe@acme.example", "ops@acme.example")


def test_text_without_an_address_has_no_sender() -> None:
    refs = find_references("From: the warehouse team\nSO-104108 short picked")
    assert refs.sender_email is None
    assert refs.emails == ()


def test_addresses_are_lower_cased_and_deduplicated() -> None:
    refs = find_references("A@X.example a@x.example B@x.example")
    assert refs.emails == ("a@x.example", "b@x.example")
