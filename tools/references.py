"""Finding the references an event's free text makes: order numbers, tracking numbers, the
sender's e-mail. Used when an integration filled in no reference (a forwarded e-mail).

Every pattern here runs on client text, so each is linear in its length: quantifiers are
bounded (an e-mail's local part has at most 64 characters, its domain at most 253) and a
header is matched on its own line, never across the text.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_ID_TOKEN = re.compile(r"\b[A-Z]{0,5}[-#]?\d[A-Z0-9-]{3,30}\b", re.IGNORECASE)
_SENDER_LINE = re.compile(
    r"^[ \t]*(?:from|de|von|reply-to)[ \t]*:(?P<rest>[^\n]*)", re.IGNORECASE | re.MULTILINE
)
_ANY_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9._%+-]{1,64}@[A-Za-z0-9.-]{1,253}\.[A-Za-z]{2,63}"
)


@dataclass(frozen=True)
class TextReferences:
    """Candidate identifiers and e-mail addresses found in text, in order of appearance."""

    identifiers: tuple[str, ...]
    sender_email: str | None
    emails: tuple[str, ...]


def _sender(text: str) -> str | None:
    """The address on the first ``From:`` header line that holds one."""
    for line in _SENDER_LINE.finditer(text):
        found = _ANY_EMAIL.search(line["rest"])
        if found:
            return found.group(0).lower()
    return None


def find_references(text: str, *, limit: int = 40) -> TextReferences:
    """Tokens that could be order, shipment or tracking ids, and who sent the text.

    The sender is the first ``From:`` header; with none, the first address in the text.
    Candidates are only candidates: the caller checks them against the network.
    """
    seen: dict[str, None] = {}
    for match in _ID_TOKEN.finditer(text):
        token = match.group(0).strip("-#").upper()
        if any(ch.isdigit() for ch in token) and len(token) >= 5:
            seen.setdefault(token, None)
        if len(seen) >= limit:
            break
    emails = tuple(dict.fromkeys(m.group(0).lower() for m in _ANY_EMAIL.finditer(text)))
    sender = _sender(text)
    return TextReferences(tuple(seen), sender or (emails[0] if emails else None), emails)
