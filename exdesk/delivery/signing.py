"""HMAC-SHA256 signatures over a timestamp and a body, for webhooks both ways.

The header is ``X-Exdesk-Signature: t=<unix seconds>,v1=<hex>`` where the hex digest is
``HMAC-SHA256(secret, "<t>." + body)``. Signing the timestamp with the body lets a receiver
refuse an old request replayed later; the receiver also remembers signatures it accepted
within the tolerance, so the same request cannot be replayed inside it either.
"""

from __future__ import annotations

import hashlib
import hmac
import time
from dataclasses import dataclass

SIGNATURE_HEADER = "X-Exdesk-Signature"
"""The header carrying the signature."""

IDEMPOTENCY_HEADER = "Idempotency-Key"
"""The header naming the message: a receiver that sees it twice must act once."""


class SignatureError(Exception):
    """A signature is missing, malformed, outside the time tolerance, or wrong."""


@dataclass(frozen=True)
class Signature:
    """A parsed signature header."""

    timestamp: int
    digest: str

    @property
    def header(self) -> str:
        """The header value."""
        return f"t={self.timestamp},v1={self.digest}"


def _digest(secret: bytes, timestamp: int, body: bytes) -> str:
    return hmac.new(secret, str(timestamp).encode() + b"." + body, hashlib.sha256).hexdigest()


def sign(secret: bytes, body: bytes, *, now: float | None = None) -> Signature:
    """The signature of ``body`` at the current time."""
    timestamp = int(time.time() if now is None else now)
    return Signature(timestamp, _digest(secret, timestamp, body))


def parse(header: str) -> Signature:
    """The signature a header carries; SignatureError when it is malformed."""
    parts = dict(part.strip().partition("=")[::2] for part in header.split(",") if part.strip())
    try:
        timestamp = int(parts["t"])
        digest = parts["v1"]
    except (KeyError, ValueError) as error:
        raise SignatureError("the signature must read t=<unix seconds>,v1=<hex>") from error
    if len(digest) != 64 or any(c not in "0123456789abcdef" for c in digest):
        raise SignatureError("the signature's v1 must be 64 hex digits")
    return Signature(timestamp, digest)


def verify(
    secret: bytes,
    body: bytes,
    header: str | None,
    *,
    tolerance_seconds: float,
    now: float | None = None,
) -> Signature:
    """The signature of ``body`` if ``header`` proves it; SignatureError otherwise."""
    if not header:
        raise SignatureError(f"the {SIGNATURE_HEADER} header is missing")
    signature = parse(header)
    moment = time.time() if now is None else now
    if abs(moment - signature.timestamp) > tolerance_seconds:
        raise SignatureError(
            f"the signature's time is more than {tolerance_seconds:.0f} s from now"
        )
    if not hmac.compare_digest(_digest(secret, signature.timestamp, body), signature.digest):
        raise SignatureError("the signature does not match the body")
    return signature
