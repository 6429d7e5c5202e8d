"""Masking personal data for logs and traces: e-mails, phone numbers, street addresses."""

from __future__ import annotations

import io
import logging
from collections.abc import Iterator
from typing import Any

import pytest

from exdesk.masking import (
    MaskingFilter,
    MaskingFormatter,
    mask_address,
    mask_email,
    mask_text,
    mask_value,
)

ADDRESS: dict[str, Any] = {
    "name": "Maria Lopez",
    "line1": "100 Congress Ave",
    "line2": "Suite 400",
    "city": "Austin",
    "state": "TX",
    "postal_code": "78701",
    "country": "US",
    "region": "south",
}


@pytest.mark.parametrize(
    ("email", "masked"),
    [
        ("jane.doe@example.com", "j***@e***.com"),
        ("Maria.Lopez@Acme-Retail.example", "M***@A***.example"),
        ("a@b.co", "a***@b***.co"),
        ("ops+alerts@mail.supplier.co.uk", "o***@m***.uk"),
        ("  padded@example.org  ", "p***@e***.org"),
        ("not an e-mail", "***"),
        ("", "***"),
        ("jane@localhost", "***"),
    ],
)
def test_mask_email(email: str, masked: str) -> None:
    assert mask_email(email) == masked


@pytest.mark.parametrize(
    "text",
    [
        "Customer jane.doe@example.com asked again",
        "cc: Maria.Lopez@Acme-Retail.example, ops@supplier.example",
        "<bob_smith99@partner.io>",
    ],
)
def test_every_email_in_text_is_masked(text: str) -> None:
    masked = mask_text(text)
    for word in text.replace(",", " ").replace("<", " ").replace(">", " ").split():
        if "@" in word:
            assert word not in masked
    assert "***@" in masked


@pytest.mark.parametrize(
    "phone",
    [
        "+1 (555) 123-4567",
        "+1 555 123 4567",
        "555-123-4567",
        "555.123.4567",
        "(512) 555-0199",
        "+44 20 7946 0958",
        "020 7946 0958",
        "+49 30 901820",
        "5551234567",
    ],
)
def test_phone_numbers_are_masked(phone: str) -> None:
    masked = mask_text(f"call {phone} before noon")
    assert "[phone]" in masked
    assert phone.lstrip("(+") not in masked
    assert masked.startswith("call ")
    assert masked.endswith(" before noon")


@pytest.mark.parametrize(
    "text",
    [
        "order SO-104108 line 2 qty 12",
        "tracking 1Z999AA10123456784 via UPS",
        "balance 12500.00 against limit 10000.00",
        "case 3f2a9c1e seq 12 step check_policies",
        "short number 1234567",
        "Periodic job sweep[7](timestamp=1764868907) deferred",
        "ten digits 1000234567 from the ERP",
    ],
)
def test_business_identifiers_and_amounts_survive(text: str) -> None:
    assert mask_text(text) == text


@pytest.mark.parametrize(
    "text",
    [
        "promised 2025-03-14, late",
        "policy version 2026.11.1",
        "tracking 9400111899223197428490 via USPS",
    ],
)
def test_dates_and_long_tracking_numbers_are_not_phones(text: str) -> None:
    assert mask_text(text) == text


def test_mask_address_keeps_only_where_in_the_network() -> None:
    masked = mask_address(ADDRESS)
    assert masked == {
        "name": "***",
        "line1": "***",
        "line2": "***",
        "city": "Austin",
        "state": "TX",
        "postal_code": "***",
        "country": "US",
        "region": "south",
    }


def test_mask_address_leaves_empty_fields_empty() -> None:
    masked = mask_address({**ADDRESS, "line2": None, "name": ""})
    assert masked["line2"] is None
    assert masked["name"] == ""
    assert masked["line1"] == "***"


def test_mask_address_does_not_change_its_input() -> None:
    original = dict(ADDRESS)
    mask_address(ADDRESS)
    assert original == ADDRESS


def test_mask_value_walks_nested_json() -> None:
    value = {
        "contact": {"email": "jane@acme.example", "name": "Jane"},
        "notes": ["call +1 555 123 4567", "mail bob@x.org"],
        "qty": 5,
        "ok": True,
        "missing": None,
    }
    assert mask_value(value) == {
        "contact": {"email": "j***@a***.example", "name": "Jane"},
        "notes": ["call [phone]", "mail b***@x***.org"],
        "qty": 5,
        "ok": True,
        "missing": None,
    }


@pytest.mark.parametrize("scalar", [0, 1.5, True, None])
def test_mask_value_leaves_scalars_alone(scalar: object) -> None:
    assert mask_value(scalar) is scalar


def test_mask_value_masks_an_address_inside_an_order() -> None:
    masked = mask_value({"order_id": "SO-1", "ship_to": ADDRESS})
    assert masked["ship_to"]["line1"] == "***"
    assert masked["ship_to"]["city"] == "Austin"


# --- MaskingFilter ------------------------------------------------------------------------


@pytest.fixture
def captured() -> Iterator[tuple[logging.Logger, io.StringIO]]:
    """A private logger whose one handler masks and writes to a buffer."""
    buffer = io.StringIO()
    handler = logging.StreamHandler(buffer)
    handler.addFilter(MaskingFilter())
    handler.setFormatter(MaskingFormatter("%(levelname)s %(message)s"))
    logger = logging.getLogger("tests.masking")
    logger.addHandler(handler)
    logger.setLevel(logging.DEBUG)
    logger.propagate = False
    try:
        yield logger, buffer
    finally:
        logger.removeHandler(handler)
        logger.propagate = True


def _record(msg: str, args: tuple[object, ...] | None = None) -> logging.LogRecord:
    return logging.LogRecord("t", logging.INFO, __file__, 1, msg, args, None)


def test_the_filter_masks_the_formatted_message() -> None:
    record = _record("draft for %s (%s)", ("jane@acme.example", "+1 555 123 4567"))
    assert MaskingFilter().filter(record) is True
    assert record.getMessage() == "draft for j***@a***.example ([phone])"


def test_the_filter_leaves_a_clean_record_untouched() -> None:
    args = ("SO-104108", 3)
    record = _record("order %s advanced to seq %d", args)
    assert MaskingFilter().filter(record) is True
    assert record.msg == "order %s advanced to seq %d"
    assert record.args is args


def test_personal_data_never_reaches_the_log(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, buffer = captured
    logger.info("sent to %s", "maria.lopez@acme-retail.example")
    logger.warning("customer phone %s", "(512) 555-0199")
    output = buffer.getvalue()
    assert "maria.lopez@acme-retail.example" not in output
    assert "555-0199" not in output
    assert "INFO sent to m***@a***.example" in output


def test_personal_data_in_an_exception_is_masked(
    captured: tuple[logging.Logger, io.StringIO],
) -> None:
    logger, buffer = captured
    try:
        raise ValueError("invalid contact maria.lopez@acme-retail.example")
    except ValueError:
        logger.exception("could not draft")
    assert "maria.lopez@acme-retail.example" not in buffer.getvalue()


def test_a_malformed_log_call_does_not_raise(
    captured: tuple[logging.Logger, io.StringIO], monkeypatch: pytest.MonkeyPatch
) -> None:
    logger, _ = captured
    monkeypatch.setattr(logging, "raiseExceptions", False)
    logger.info("two %s %s", "only-one")


@pytest.mark.parametrize(
    ("text", "masked"),
    [
        ("call me at +1 415 555 0100.", "call me at [phone]."),
        ("call me at (415) 555-0100.", "call me at [phone]."),
        ("ring 020 7946 0958.", "ring [phone]."),
        ("or 415.555.0100!", "or [phone]!"),
        ("write to jane.doe@example.com.", "write to j***@e***.com."),
        (
            "Mail maria@acme-retail.example? Or +44 20 7946 0958.",
            "Mail m***@a***.example? Or [phone].",
        ),
    ],
)
def test_contact_details_ending_a_sentence_are_masked_whole(text: str, masked: str) -> None:
    assert mask_text(text) == masked
