"""Masking of customer personal data (e-mails, phone numbers, street addresses) for logs
and traces. Stored data and API responses are not masked; what leaves for operators' logs is.
"""

from __future__ import annotations

import logging
import re
from typing import Any

_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])(?P<user>[A-Za-z0-9._%+-]{1,64})"
    r"@(?P<domain>[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63})"
)
"""An e-mail address; bounded, and starting only where a run of its characters starts, so
that a scan is linear in the text's length (client text may be megabytes)."""
_PHONE = re.compile(
    r"(?<![\w.+-])(?:\+\d{1,3}[ .-]?)?(?:\(\d{3}\)|[2-9]\d{2})[ .-]?\d{3}[ .-]?\d{4}(?![\w-]|\.\d)"
    r"|(?<![\w.+-])\+\d{1,3}(?:[ .-]?\d{2,4}){2,5}(?![\w-]|\.\d)"
    r"|(?<![\w.+-])0\d{2,4}[ .-]\d{3,4}[ .-]?\d{3,4}(?![\w-]|\.\d)"
)
"""North-American numbers (with or without +1, brackets, dots, dashes; no area code starts
with 0 or 1, so a Unix time such as a job's ``timestamp=1764868907`` is not one),
``+``-prefixed international ones and national ones with a trunk 0 (``020 7946 0958``); not
ISO dates, dotted versions or long tracking numbers. A number may end a sentence (``… 0100.``);
every quantifier is bounded, so a scan is linear."""
_ADDRESS_FIELDS = ("name", "line1", "line2", "postal_code")


def mask_email(email: str) -> str:
    """``jane.doe@example.com`` → ``j***@e***.com``."""
    match = _EMAIL.fullmatch(email.strip())
    if match is None:
        return "***"
    domain = match.group("domain")
    tld = domain.rsplit(".", 1)[-1]
    return f"{match.group('user')[0]}***@{domain[0]}***.{tld}"


def mask_text(text: str) -> str:
    """Mask every e-mail address and phone-like number in free text."""
    masked = _EMAIL.sub(lambda m: mask_email(m.group(0)), text)
    return _PHONE.sub("[phone]", masked)


def mask_address(address: dict[str, Any]) -> dict[str, Any]:
    """Keep the city, state, country and region of an address; mask the rest."""
    return {k: ("***" if k in _ADDRESS_FIELDS and v else v) for k, v in address.items()}


def mask_value(value: Any) -> Any:
    """Mask personal data anywhere in a JSON-like value (addresses, contacts, free text)."""
    if isinstance(value, str):
        return mask_text(value)
    if isinstance(value, list):
        return [mask_value(item) for item in value]
    if isinstance(value, dict):
        if {"line1", "postal_code"} <= value.keys():
            value = mask_address(value)
        return {key: mask_value(item) for key, item in value.items()}
    return value


class MaskingFilter(logging.Filter):
    """A logging filter that masks e-mails and phone numbers in every message."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except (TypeError, ValueError):
            return True  # malformed arguments: let logging report its own error
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        return True


class MaskingFormatter(logging.Formatter):
    """A formatter whose whole output (message, exception text, stack) is masked."""

    def format(self, record: logging.LogRecord) -> str:
        return mask_text(super().format(record))
