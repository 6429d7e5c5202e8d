"""How the CLI prints: case tables, progress on long work, audit reports."""

from __future__ import annotations

import sys
import time
from collections.abc import Sequence
from typing import TYPE_CHECKING

import typer

from exdesk.domain import Case

if TYPE_CHECKING:
    from exdesk.store.audit import AuditReport

_COLUMNS = (
    ("case", 29),
    ("status", 17),
    ("category", 19),
    ("conf", 5),
    ("severity", 8),
    ("route", 13),
    ("waiting for / ended", 24),
)


def _row(case: Case) -> tuple[str, ...]:
    classification = case.classification
    waiting = next((a for a in case.approvals if a.status == "pending"), None)
    return (
        case.case_id,
        case.status,
        classification.category if classification else "-",
        f"{classification.confidence:.2f}" if classification else "-",
        (classification.severity or "-") if classification else "-",
        case.route or "-",
        f"{waiting.required_role}: {waiting.kind}" if waiting else (case.resolution or "-"),
    )


def case_table(cases: Sequence[Case]) -> str:
    """A fixed-width table of cases, one line each."""
    header = "  ".join(name.ljust(width) for name, width in _COLUMNS)
    lines = [header, "  ".join("-" * width for _, width in _COLUMNS)]
    for case in cases:
        cells = _row(case)
        lines.append(
            "  ".join(
                cell[:width].ljust(width) for cell, (_, width) in zip(cells, _COLUMNS, strict=True)
            )
        )
    return "\n".join(lines)


class Progress:
    """Shows progress of a long operation on stderr: a bar on a terminal, lines otherwise."""

    def __init__(self, total: int, label: str = "cases") -> None:
        self.total = total
        self.label = label
        self.started = time.monotonic()
        self._tty = sys.stderr.isatty()
        self._last_tenth = -1

    def update(self, done: int, total: int) -> None:
        """Report that ``done`` of ``total`` items are finished."""
        rate = done / max(time.monotonic() - self.started, 1e-6)
        if self._tty:
            filled = int(30 * done / max(total, 1))
            bar = "#" * filled + "." * (30 - filled)
            sys.stderr.write(f"\r[{bar}] {done}/{total} {self.label} ({rate:.1f}/s)")
            sys.stderr.flush()
            return
        tenth = done * 10 // max(total, 1)
        if tenth != self._last_tenth:
            self._last_tenth = tenth
            typer.echo(f"{done}/{total} {self.label} ({rate:.1f}/s)", err=True)

    def finish(self) -> None:
        """End the progress display."""
        elapsed = time.monotonic() - self.started
        if self._tty:
            sys.stderr.write("\n")
        rate = self.total / max(elapsed, 1e-6)
        typer.echo(f"{self.total} {self.label} in {elapsed:.1f}s ({rate:.1f}/s)", err=True)


def print_report(report: AuditReport) -> None:
    """The outcome of ``exdesk audit verify``."""
    typer.echo(
        f"tenant {report.tenant_id}: {report.cases} cases, {report.records} decision records, "
        f"{report.ledger_entries} ledger entries"
    )
    if report.ok:
        typer.echo("OK: every chain and the ledger verify")
        return
    typer.echo(f"FAILED: first bad record: {report.problems[0]}", err=True)
    for problem in report.problems[1:10]:
        typer.echo(f"  also: {problem}", err=True)
