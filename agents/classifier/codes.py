"""The code tables: what each published status, reason and acknowledgment code means here.

The tables are data, one CSV per code list under ``codes/`` beside this module, each row
citing its public source (``codes/sources.csv``):

===================  =====================================================================
file                 what it holds
===================  =====================================================================
x12_214_status.csv   X12 214 ``AT701`` shipment status codes (element 1650)
x12_214_reason.csv   X12 214 ``AT702`` status reason codes (element 1651)
x12_ack.csv          997/999 ``AK5``/``IK5``/``AK9`` codes and TA1 ``TA104``/``TA105``
carrier_status.csv   carriers' own status codes (UPS, FedEx, USPS), keyed by carrier
http_status.csv      HTTP status codes of a partner API (``5xx`` covers the class)
===================  =====================================================================

Each row's ``decision`` is one of :data:`Decision`: ``routine`` (the code reports routine
progress: the event is informational), ``exception`` (an exception, but the code does not
say which: the text decides), ``normal`` (reason lists only: the reason adds nothing, the
status decides), or a category of the taxonomy (the code decides the category).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cache
from importlib import resources
from importlib.abc import Traversable
from typing import Final, Literal, get_args

from exdesk.domain import CATEGORIES, Category

CODE_TABLES: Traversable = resources.files(__package__ or __name__).joinpath("codes")
"""The folder of code tables, shipped with the package."""

Verdict = Literal["routine", "exception", "normal"]
"""What a code says when it does not name a category."""

Decision = Verdict | Category
"""What a code decides: a verdict or a category."""

CodeList = Literal["x12-214-status", "x12-214-reason", "AK5", "IK5", "AK9", "TA104", "TA105"]
"""The X12 code lists of the tables (carriers and HTTP have tables of their own)."""

ACK_CODE_LISTS: Final[dict[str, CodeList]] = {
    "AK5": "AK5",
    "IK5": "IK5",
    "AK9": "AK9",
    "TA104": "TA104",
    "TA105": "TA105",
}
"""The acknowledgment code lists by segment element name."""

_DECISIONS: Final[frozenset[str]] = frozenset(get_args(Verdict)) | frozenset(CATEGORIES)


@dataclass(frozen=True)
class CodeMeaning:
    """One row of a code table."""

    code: str
    description: str
    decision: Decision
    source: str
    """Key of the row's citation in ``codes/sources.csv``."""

    @property
    def category(self) -> Category | None:
        """The category the code decides, if it decides one."""
        return self.decision if self.decision in CATEGORIES else None


@dataclass(frozen=True)
class CodeTables:
    """Every code table, keyed for lookup."""

    x12: dict[tuple[CodeList, str], CodeMeaning]
    carriers: dict[tuple[str, str], CodeMeaning]
    """Keyed by (carrier in lower case, code in upper case)."""
    http: dict[str, CodeMeaning]
    """Keyed by status code, or by class (``5xx``)."""
    sources: dict[str, str]
    """Citation of each source key."""

    def x12_code(self, code_list: CodeList, code: str) -> CodeMeaning | None:
        """The meaning of an X12 code, if the table knows it."""
        return self.x12.get((code_list, code.upper()))

    def carrier_code(self, carrier: str, code: str) -> CodeMeaning | None:
        """The meaning of a carrier's status code, if the table knows that carrier's code."""
        return self.carriers.get((carrier.strip().lower(), code.strip().upper()))

    def http_status(self, status: int) -> CodeMeaning | None:
        """The meaning of an HTTP status (the exact code first, then its class)."""
        return self.http.get(str(status)) or self.http.get(f"{status // 100}xx")


@cache
def code_tables() -> CodeTables:
    """The shipped tables, read once."""
    x12: dict[tuple[CodeList, str], CodeMeaning] = {}
    for row in _rows("x12_214_status.csv"):
        x12[("x12-214-status", row["code"])] = _meaning(row)
    for row in _rows("x12_214_reason.csv"):
        x12[("x12-214-reason", row["code"])] = _meaning(row)
    for row in _rows("x12_ack.csv"):
        x12[(ACK_CODE_LISTS[row["element"]], row["code"])] = _meaning(row)
    carriers = {
        (row["carrier"].lower(), row["code"].upper()): _meaning(row)
        for row in _rows("carrier_status.csv")
    }
    http = {row["code"]: _meaning(row) for row in _rows("http_status.csv")}
    sources = {row["source"]: row["citation"] for row in _rows("sources.csv")}
    return CodeTables(x12=x12, carriers=carriers, http=http, sources=sources)


def _rows(name: str) -> Iterator[dict[str, str]]:
    text = CODE_TABLES.joinpath(name).read_text(encoding="utf-8")
    yield from csv.DictReader(io.StringIO(text, newline=""))


def _meaning(row: dict[str, str]) -> CodeMeaning:
    decision = row["decision"]
    if decision not in _DECISIONS:
        raise ValueError(f"code {row['code']}: unknown decision {decision!r}")
    return CodeMeaning(
        code=row["code"],
        description=row["description"],
        decision=decision,  # type: ignore[arg-type]
        source=row["source"],
    )
