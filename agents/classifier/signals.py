"""Codes before words: the structured codes an event carries, and what they decide.

An event's codes are read from documented ``attributes`` keys (:data:`ATTRIBUTE_KEYS`) and
from X12 segments quoted in its summary or its attached document (``AT7*X6*AJ``,
``AK5*R``, ``IK5*A``, ``AK9*P``, ``TA1*…*A*000``, ``TA104=A``), plus an HTTP status quoted
as ``HTTP 503`` or ``503 Service Unavailable``. Each code is looked up in the tables of
:mod:`exdesk.agents.classifier.codes`; a code the tables do not know is no signal.

One :class:`Signal` per kind of code (X12 214, carrier status, acknowledgment, HTTP); the
signal that decides an event is the first that names a category, else an ``exception``
(the text then chooses among the exception categories), else ``routine`` (every code
reports routine progress: the event is informational).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Final, Literal

from exdesk.agents.classifier.codes import (
    ACK_CODE_LISTS,
    CodeList,
    CodeMeaning,
    CodeTables,
    code_tables,
)
from exdesk.domain import Category, ExceptionEvent

SignalKind = Literal["routine", "exception", "decisive"]
"""``routine``: informational progress; ``exception``: an exception of a category the code
does not name; ``decisive``: the code names the category."""

ATTRIBUTE_KEYS: Final[dict[str, str]] = {
    "x12_214_status": "X12 214 AT701 shipment status code (X6, SD, A9…)",
    "x12_214_reason": "X12 214 AT702 status reason code (NS, AO, A2…)",
    "carrier": "the carrier whose status code follows (ups, fedex, usps)",
    "carrier_status_code": "the carrier's own status or exception code",
    "x12_ack_code": "997 AK5 / 999 IK5 transaction set acknowledgment code (A, E, R…)",
    "x12_group_ack_code": "997/999 AK9 functional group acknowledgment code (A, E, P, R…)",
    "ta1_ack_code": "TA1 TA104 interchange acknowledgment code (A, E, R)",
    "ta1_note_code": "TA1 TA105 interchange note code (000 = no error)",
    "http_status": "HTTP status a partner API answered",
}
"""The ``ExceptionEvent.attributes`` keys the classifier reads codes from."""


@dataclass(frozen=True)
class Signal:
    """What the structured codes of one kind say about an event."""

    name: str
    """The codes, e.g. ``x12-214:X6/AJ``, ``997:AK5=R``, ``carrier:usps/26``, ``http:503``."""
    kind: SignalKind
    category: Category | None
    """The category when ``decisive``; ``other`` when ``routine``; None for ``exception``."""
    meaning: str
    """The codes' published descriptions, for the rationale."""


_MARKER = re.compile(
    r"AT7|AK5|IK5|AK9|TA1|HTTP|status code|Server Error|Bad Gateway|Service Unavailable"
    r"|Gateway Time|Too Many Requests|Unauthorized|Forbidden|Request Timeout",
    re.IGNORECASE,
)
_SEGMENT_START = r"(?:^|(?<=[~\n'\s]))"
_AT7 = re.compile(_SEGMENT_START + r"AT7\*([A-Z0-9]{2})?\*([A-Z0-9]{2})?(?=[*~\s']|$)")
_ACK_SEGMENT = re.compile(_SEGMENT_START + r"(AK5|IK5|AK9)\*([A-Z])(?=[*~\s']|$)")
_TA1_SEGMENT = re.compile(
    _SEGMENT_START + r"TA1\*[^*~\s]*\*[^*~\s]*\*[^*~\s]*\*([A-Z])\*(\d{3})(?=[*~\s']|$)"
)
_ACK_ASSIGNMENT = re.compile(r"\b(AK5|IK5|AK9|TA104|TA105)\s*[=:]\s*([A-Z]|\d{3})\b")
_X12_SET = re.compile(r"(?:^|[~\n'])[ \t\r]*ST\*(\d{3})")
_HTTP_QUOTED = re.compile(
    r"\bHTTP(?:/\d(?:\.\d)?)?\s*(?:status\s*)?(?:code\s*)?[:=]?\s*([1-5]\d\d)\b"
    r"|\bstatus\s+code\s*[:=]?\s*([1-5]\d\d)\b"
    r"|\b([1-5]\d\d)\s+(?:Internal Server Error|Bad Gateway|Service Unavailable"
    r"|Gateway Time-?out|Too Many Requests|Unauthorized|Forbidden|Request Timeout)\b",
    re.IGNORECASE,
)


def read_signals(event: ExceptionEvent, tables: CodeTables | None = None) -> list[Signal]:
    """Every signal the event's codes give, in the order they are weighed."""
    if not _may_carry_codes(event):
        return []
    tables = tables or code_tables()
    text = _x12_text(event)
    found = [
        _x12_214_signal(event, text, tables),
        _carrier_signal(event, tables),
        _ack_signal(event, text, tables),
        _http_signal(event, text, tables),
    ]
    return [signal for signal in found if signal is not None]


def _may_carry_codes(event: ExceptionEvent) -> bool:
    """A cheap first look: most events quote no code and set no code attribute."""
    if any(key in ATTRIBUTE_KEYS for key in event.attributes):
        return True
    if _MARKER.search(event.summary):
        return True
    return event.document is not None and _MARKER.search(event.document.content) is not None


def deciding_signal(signals: list[Signal]) -> Signal | None:
    """The signal that decides: the first decisive one, else an exception, else routine."""
    for kind in ("decisive", "exception", "routine"):
        for signal in signals:
            if signal.kind == kind:
                return signal
    return None


def _x12_text(event: ExceptionEvent) -> str:
    """The summary and the document, with the document's element separator made ``*``."""
    if event.document is None:
        return event.summary
    content = event.document.content
    head = content.lstrip()
    if head.startswith("ISA") and len(head) > 3 and head[3] != "*":
        content = head.replace(head[3], "*")
    return f"{event.summary}\n{content}"


def _attribute(event: ExceptionEvent, key: str) -> str | None:
    value = event.attributes.get(key)
    if isinstance(value, bool) or not isinstance(value, str | int):
        return None
    text = str(value).strip()
    return text or None


def _x12_214_signal(event: ExceptionEvent, text: str, tables: CodeTables) -> Signal | None:
    pairs: list[tuple[str | None, str | None]] = []
    status, reason = _attribute(event, "x12_214_status"), _attribute(event, "x12_214_reason")
    if status or reason:
        pairs.append((status, reason))
    pairs += [(m.group(1), m.group(2)) for m in _AT7.finditer(text) if m.group(1) or m.group(2)]
    signals = [s for s in (_one_214(st, re_, tables) for st, re_ in pairs) if s is not None]
    return deciding_signal(signals)


def _one_214(status: str | None, reason: str | None, tables: CodeTables) -> Signal | None:
    status_meaning = tables.x12_code("x12-214-status", status) if status else None
    reason_meaning = tables.x12_code("x12-214-reason", reason) if reason else None
    if status_meaning is None and reason_meaning is None:
        return None
    name = f"x12-214:{(status or '').upper()}" + (f"/{reason.upper()}" if reason else "")
    meaning = "; ".join(m.description for m in (status_meaning, reason_meaning) if m)
    for part in (reason_meaning, status_meaning):
        if part is not None and part.category is not None:
            return Signal(name, "decisive", part.category, meaning)
    reason_is_normal = reason is None or (
        reason_meaning is not None and reason_meaning.decision == "normal"
    )
    if status_meaning is not None and status_meaning.decision == "routine" and reason_is_normal:
        return Signal(name, "routine", "other", meaning)
    if status_meaning is None and reason_is_normal:
        return None
    return Signal(name, "exception", None, meaning)


def _carrier_signal(event: ExceptionEvent, tables: CodeTables) -> Signal | None:
    carrier, code = _attribute(event, "carrier"), _attribute(event, "carrier_status_code")
    if carrier is None or code is None:
        return None
    found = tables.carrier_code(carrier, code)
    if found is None:
        return None
    return _from_meaning(f"carrier:{carrier.lower()}/{code.upper()}", found)


def _ack_codes(event: ExceptionEvent, text: str) -> Iterator[tuple[CodeList, str]]:
    keys: dict[str, CodeList] = {"x12_group_ack_code": "AK9", "ta1_ack_code": "TA104"}
    keys |= {"ta1_note_code": "TA105"}
    ack = _attribute(event, "x12_ack_code")
    if ack:
        yield ("IK5" if _set_of(text) == "999" else "AK5"), ack
    for key, code_list in keys.items():
        value = _attribute(event, key)
        if value:
            yield code_list, value
    for match in _ACK_SEGMENT.finditer(text):
        yield ACK_CODE_LISTS[match.group(1)], match.group(2)
    for match in _TA1_SEGMENT.finditer(text):
        yield "TA104", match.group(1)
        yield "TA105", match.group(2)
    for match in _ACK_ASSIGNMENT.finditer(text):
        yield ACK_CODE_LISTS[match.group(1)], match.group(2)


def _ack_signal(event: ExceptionEvent, text: str, tables: CodeTables) -> Signal | None:
    known = [
        (code_list, code.upper(), meaning)
        for code_list, code in _ack_codes(event, text)
        if (meaning := tables.x12_code(code_list, code)) is not None
    ]
    if not known:
        return None
    prefix = _set_of(text)
    failing = [k for k in known if k[2].decision != "routine"]
    code_list, code, meaning = (failing or sorted(known, key=_group_level_first))[0]
    name = f"{'ta1' if code_list.startswith('TA1') else prefix or _set_for(code_list)}"
    return _from_meaning(f"{name}:{code_list}={code}", meaning)


def _group_level_first(found: tuple[CodeList, str, CodeMeaning]) -> int:
    return ("AK9", "TA104", "AK5", "IK5", "TA105").index(found[0])


def _set_of(text: str) -> str | None:
    match = _X12_SET.search(text)
    return match.group(1) if match and match.group(1) in ("997", "999") else None


def _set_for(code_list: CodeList) -> str:
    return "999" if code_list == "IK5" else "997"


def _http_signal(event: ExceptionEvent, text: str, tables: CodeTables) -> Signal | None:
    statuses = []
    attribute = _attribute(event, "http_status")
    if attribute and attribute.isdigit():
        statuses.append(int(attribute))
    for match in _HTTP_QUOTED.finditer(event.summary):
        statuses.append(int(next(group for group in match.groups() if group)))
    for status in statuses:
        found = tables.http_status(status)
        if found is not None:
            return _from_meaning(f"http:{status}", found)
    return None


def _from_meaning(name: str, meaning: CodeMeaning) -> Signal:
    if meaning.category is not None:
        return Signal(name, "decisive", meaning.category, meaning.description)
    if meaning.decision == "routine":
        return Signal(name, "routine", "other", meaning.description)
    return Signal(name, "exception", None, meaning.description)
