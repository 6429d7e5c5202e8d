"""Webhook signatures: HMAC-SHA256 over the timestamp and the body."""

from __future__ import annotations

import pytest

from exdesk.delivery import SignatureError, sign, verify
from exdesk.delivery.signing import parse

SECRET = b"s3cret"
BODY = b'{"outbox_id": "obx_1"}'


def test_a_signature_verifies_its_body_at_its_time() -> None:
    signature = sign(SECRET, BODY, now=1_700_000_000)
    assert signature.header.startswith("t=1700000000,v1=")
    accepted = verify(SECRET, BODY, signature.header, tolerance_seconds=300, now=1_700_000_100)
    assert accepted == signature


@pytest.mark.parametrize(
    ("secret", "body", "now", "problem"),
    [
        (b"other", BODY, 1_700_000_000, "does not match"),
        (SECRET, BODY + b" ", 1_700_000_000, "does not match"),
        (SECRET, BODY, 1_700_000_301, "more than 300 s"),
        (SECRET, BODY, 1_699_999_699, "more than 300 s"),
    ],
)
def test_a_wrong_secret_a_changed_body_or_an_old_time_is_refused(
    secret: bytes, body: bytes, now: int, problem: str
) -> None:
    header = sign(SECRET, BODY, now=1_700_000_000).header
    with pytest.raises(SignatureError, match=problem):
        verify(secret, body, header, tolerance_seconds=300, now=now)


def test_the_timestamp_is_signed_too() -> None:
    signature = sign(SECRET, BODY, now=1_700_000_000)
    moved = f"t=1700000200,v1={signature.digest}"
    with pytest.raises(SignatureError, match="does not match"):
        verify(SECRET, BODY, moved, tolerance_seconds=300, now=1_700_000_200)


@pytest.mark.parametrize("header", [None, "", "v1=abc", "t=soon,v1=" + "a" * 64, "t=1,v1=xyz"])
def test_a_missing_or_malformed_header_is_refused(header: str | None) -> None:
    with pytest.raises(SignatureError):
        verify(SECRET, BODY, header, tolerance_seconds=300, now=1)


def test_parse_reads_what_sign_writes() -> None:
    signature = sign(SECRET, BODY, now=42)
    assert parse(signature.header) == signature
