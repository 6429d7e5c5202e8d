"""Text as partners really send it: byte-order marks, mixed line ends, Latin-1 and
Windows-1252 bytes, and UTF-8 read as Latin-1 by whoever decoded it first.

None of these makes a readable file unreadable: the content is normalised before any
reader looks at it.
"""

from __future__ import annotations

import re

_BOMS = ("\ufeff", "ï»¿", "þÿ", "ÿþ")
"""A UTF-8 byte-order mark decoded as UTF-8 or as Latin-1, and UTF-16's two marks."""
_MOJIBAKE = re.compile(
    "[\u00c2-\u00f4][\u0080-\u00bf\u0152\u0153\u0160\u0161\u0178\u017d\u017e\u0192\u02c6"
    "\u02dc\u2013-\u203a\u20ac\u2122]"
)
"""A UTF-8 lead byte followed by a continuation byte, both read as Latin-1 or Windows-1252."""


def strip_byte_order_mark(content: str) -> str:
    """The content without a leading byte-order mark, however it was decoded."""
    for mark in _BOMS:
        if content.startswith(mark):
            return content[len(mark) :]
    return content


def repair_mojibake(content: str) -> str:
    """UTF-8 that was decoded as Latin-1 or Windows-1252 (``GehÃ¤use``), decoded again.

    Only when the whole text round-trips: genuine Latin-1 text is left as it is.
    """
    if not _MOJIBAKE.search(content):
        return content
    for encoding in ("cp1252", "latin-1"):
        try:
            return content.encode(encoding).decode("utf-8")
        except (UnicodeEncodeError, UnicodeDecodeError):
            continue
    return content


def normalize_text(content: str) -> str:
    """Content ready for a reader: no byte-order mark, and mojibake repaired."""
    return repair_mojibake(strip_byte_order_mark(content))


def decode_bytes(data: bytes) -> str:
    """A file's bytes as text: UTF-8 (with or without a mark), UTF-16 with a mark, else
    Windows-1252, else Latin-1 (which decodes any byte)."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252")
    except UnicodeDecodeError:
        return data.decode("latin-1")
