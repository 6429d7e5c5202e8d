"""The X12 syntax notes of the line-item segments we read (paired and conditional elements).

A qualifier without its ID (or an ID without its qualifier) makes a line ambiguous; such
breaches are reported as warnings naming the segment position and the note, the way a
translator's validation would.
"""

from __future__ import annotations

from dataclasses import dataclass

from exdesk.agents.document_extractor.x12.envelope import TransactionSet
from exdesk.agents.document_extractor.x12.segments import Segment


@dataclass(frozen=True)
class SyntaxNote:
    """``P`` paired: all or none present; ``C`` conditional: if the first, then the others."""

    kind: str
    elements: tuple[int, ...]

    @property
    def name(self) -> str:
        """The note as the standard writes it, e.g. ``P0607``."""
        return self.kind + "".join(f"{n:02d}" for n in self.elements)


def _pairs(first: int, last: int) -> list[SyntaxNote]:
    return [SyntaxNote("P", (n, n + 1)) for n in range(first, last, 2)]


NOTES: dict[str, list[SyntaxNote]] = {
    "PO1": _pairs(6, 25),
    "IT1": _pairs(6, 25),
    "LIN": _pairs(2, 31),
    "SLN": _pairs(9, 28),
    "N1": [SyntaxNote("P", (3, 4))],
    "PO4": [
        SyntaxNote("C", (2, 3)),
        SyntaxNote("C", (5, 6)),
        SyntaxNote("P", (6, 7)),
        SyntaxNote("P", (8, 9)),
    ],
    "SN1": [SyntaxNote("P", (5, 6))],
    "ACK": [SyntaxNote("P", (2, 3)), SyntaxNote("P", (4, 5))],
}


def _breached(segment: Segment, note: SyntaxNote) -> bool:
    present = [bool(segment.element(n)) for n in note.elements]
    if note.kind == "P":
        return any(present) and not all(present)
    return present[0] and not all(present[1:])


def check_syntax_notes(transaction: TransactionSet) -> list[str]:
    """Warnings for every breached paired/conditional note in the transaction set."""
    warnings: list[str] = []
    for segment in transaction.body():
        for note in NOTES.get(segment.tag, []):
            if _breached(segment, note):
                names = " and ".join(f"{segment.tag}{n:02d}" for n in note.elements)
                rule = "must be used together" if note.kind == "P" else "are required together"
                warnings.append(
                    f"segment {segment.tag} at position {transaction.position_of(segment)} "
                    f"breaks syntax note {note.name}: {names} {rule}"
                )
    return warnings
