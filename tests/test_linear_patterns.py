"""Every pattern run on client text takes time linear in its length: each is fed about 2 MB
of the input that is its worst case (a long run of the characters it scans, without what
would end a match) and must answer in well under the time a quadratic scan would take
(80 KB of e-mail characters without ``@`` took 13 s before the fix; 2 MB, hours)."""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable

import pytest

from exdesk import masking
from exdesk.agents.classifier import features, signals
from exdesk.agents.document_extractor.local import read_document
from exdesk.agents.document_extractor.text import classify, fields
from exdesk.domain import Document
from exdesk.errors import ExtractionError
from exdesk.policies import _claim_cues, _claim_text, draft_guard
from exdesk.tools import references
from exdesk.tools.references import find_references

SIZE = 2_000_000
BOUND_SECONDS = 2.0
"""Generous: each scan takes 0.01–0.2 s here; the quadratic ones took hours."""


def _long(unit: str, tail: str = "") -> str:
    return unit * ((SIZE - len(tail)) // len(unit)) + tail


WORST_CASES: list[tuple[str, re.Pattern[str], str]] = [
    ("references e-mail: local part, no @", references._ANY_EMAIL, _long("a")),
    ("references e-mail: long domain", references._ANY_EMAIL, "a" * 64 + "@" + _long("b")),
    ("references e-mail: many @", references._ANY_EMAIL, _long("a@")),
    ("references sender header", references._SENDER_LINE, "From: " + _long("a")),
    ("references sender: blank lines", references._SENDER_LINE, _long("\n")),
    ("references sender: spaces", references._SENDER_LINE, _long(" ")),
    ("references ids: digits", references._ID_TOKEN, _long("1")),
    ("references ids: dashes", references._ID_TOKEN, _long("A1-")),
    ("masking e-mail", masking._EMAIL, _long("a")),
    ("masking e-mail: dots", masking._EMAIL, "x@" + _long("a.")),
    ("masking phone: digits", masking._PHONE, _long("1")),
    ("masking phone: spaced digits", masking._PHONE, _long("1 ")),
    ("masking phone: plus", masking._PHONE, _long("+1 ")),
    ("draft guard e-mail", draft_guard._EMAIL, _long("a")),
    ("draft guard e-mail: dotted domain", draft_guard._EMAIL, "x@" + _long("a.")),
    ("draft guard phone", draft_guard._PHONE, _long("1 ")),
    ("claims e-mail", _claim_text._EMAIL, _long("a")),
    ("claims sentence end", _claim_text._SENTENCE_END, _long("!")),
    ("claims sentence end: newlines", _claim_text._SENTENCE_END, _long("\n")),
    ("claims partitive: digits", _claim_cues.PARTITIVE_BEFORE, _long("1")),
    ("claims partitive: decimals", _claim_cues.PARTITIVE_BEFORE, _long("1.")),
    ("classifier X12 set: newlines", features._X12_SET, _long("\n")),
    ("classifier X12 set: spaces", features._X12_SET, "~" + _long(" ")),
    ("signals X12 set: newlines", signals._X12_SET, _long("\n")),
    ("extractor label use", classify._LABEL_USE, _long(" ")),
    ("extractor next label", fields._NEXT_LABEL, _long("\t")),
]


def _timed(scan: Callable[[], object]) -> float:
    start = time.perf_counter()
    scan()
    return time.perf_counter() - start


@pytest.mark.parametrize(
    ("pattern", "text"), [(p, t) for _, p, t in WORST_CASES], ids=[n for n, _, _ in WORST_CASES]
)
def test_a_pattern_scans_2_mb_of_its_worst_case_in_linear_time(
    pattern: re.Pattern[str], text: str
) -> None:
    assert _timed(lambda: list(pattern.finditer(text))) < BOUND_SECONDS
    assert _timed(lambda: pattern.match(text)) < BOUND_SECONDS


@pytest.mark.parametrize(
    "text",
    [_long("a"), "From: " + _long("a"), _long("a.b"), _long("\n"), _long("1 ")],
    ids=["local-part", "sender", "dotted", "newlines", "spaced-digits"],
)
def test_finding_references_and_masking_2_mb_is_linear(text: str) -> None:
    assert _timed(lambda: find_references(text)) < BOUND_SECONDS
    assert _timed(lambda: masking.mask_text(text)) < BOUND_SECONDS


@pytest.mark.parametrize(
    "line",
    ["1 " * 120, "1\t" * 120, "$1 " * 80, "1" * 240, "AB-1 " * 48, "01/02/2026 " * 22],
    ids=["numbers", "tabbed-numbers", "amounts", "digits", "skus", "dates"],
)
def test_a_2_mb_text_document_is_read_in_bounded_time(line: str) -> None:
    header = "Line  SKU  Description  Qty  Unit Price  Amount\n"
    content = (header + (line + "\n") * (SIZE // (len(line) + 1)))[:SIZE]
    document = Document(kind="text", name="slip.txt", content=content)

    def read() -> None:
        with contextlib.suppress(ExtractionError):  # unreadable is an answer too
            read_document(document)

    assert _timed(read) < 3 * BOUND_SECONDS
