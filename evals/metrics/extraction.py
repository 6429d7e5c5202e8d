"""Extraction figures: per labelled value an outcome, counted per field and pooled.

Each labelled value gets one outcome:

* ``correct`` — read, and equal to the label after normalisation (``exdesk.evals.matching``);
* ``wrong`` — read, but a different value;
* ``miss`` — labelled, not read;
* ``false_alarm`` — labelled absent (``null``) but read, or an extracted line no labelled
  line matches;
* ``absent_ok`` — labelled absent and not read (counted, but in no ratio).

Precision = correct / (correct + wrong + false alarm); recall = correct / (correct + wrong +
miss); either is None when its denominator is 0. Line items are paired with labelled lines by
an optimal assignment (``scipy.optimize.linear_sum_assignment``) maximising how many labelled
values agree; a pair that agrees on nothing is not a match (the labelled line is missed, the
extracted one is a false alarm).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
from scipy.optimize import linear_sum_assignment

from exdesk.evals.matching import normalise_text, same_value

Outcome = Literal["correct", "wrong", "miss", "false_alarm", "absent_ok"]
OUTCOMES: tuple[Outcome, ...] = ("correct", "wrong", "miss", "false_alarm", "absent_ok")
EXTRA_LINE = "lines.(extra line)"


def field_outcome(field: str, expected: Any, actual: Any) -> Outcome:
    """The outcome of one labelled value (``expected`` None: labelled absent)."""
    if expected is None:
        return "absent_ok" if actual is None else "false_alarm"
    if actual is None:
        return "miss"
    return "correct" if same_value(field, expected, actual) else "wrong"


@dataclass(frozen=True)
class Counts:
    """Outcomes of a set of labelled values."""

    correct: int = 0
    wrong: int = 0
    miss: int = 0
    false_alarm: int = 0
    absent_ok: int = 0

    @property
    def precision(self) -> float | None:
        """Correct among everything read."""
        read = self.correct + self.wrong + self.false_alarm
        return self.correct / read if read else None

    @property
    def recall(self) -> float | None:
        """Correct among everything labelled present."""
        labelled = self.correct + self.wrong + self.miss
        return self.correct / labelled if labelled else None

    @property
    def f1(self) -> float | None:
        """Harmonic mean of precision and recall; None when either is undefined."""
        p, r = self.precision, self.recall
        if p is None or r is None:
            return None
        return 2 * p * r / (p + r) if p + r else 0.0

    def as_dict(self) -> dict[str, Any]:
        """Counts and ratios, for a summary table."""
        return {
            "correct": self.correct,
            "wrong": self.wrong,
            "miss": self.miss,
            "false_alarm": self.false_alarm,
            "absent_ok": self.absent_ok,
            "precision": self.precision,
            "recall": self.recall,
            "f1": self.f1,
        }


def count(outcomes: Iterable[Outcome]) -> Counts:
    """Tally outcomes."""
    tally = dict.fromkeys(OUTCOMES, 0)
    for outcome in outcomes:
        tally[outcome] += 1
    return Counts(**tally)


def _agreement(expected: Mapping[str, Any], actual: Mapping[str, Any]) -> int:
    return sum(
        value is not None
        and actual.get(name) is not None
        and same_value(f"lines.{name}", value, actual[name])
        for name, value in expected.items()
        if name != "line_no"
    )


def match_lines(
    expected: Sequence[Mapping[str, Any]], actual: Sequence[Mapping[str, Any]]
) -> list[tuple[int, int]]:
    """Pairs (labelled index, extracted index) of the optimal assignment, agreeing pairs
    only."""
    if not expected or not actual:
        return []
    agreement = np.array([[_agreement(e, a) for a in actual] for e in expected], dtype=float)
    rows, columns = linear_sum_assignment(agreement, maximize=True)
    return [(int(r), int(c)) for r, c in zip(rows, columns, strict=True) if agreement[r, c] > 0]


def line_outcomes(
    expected: Sequence[Mapping[str, Any]], actual: Sequence[Mapping[str, Any]]
) -> list[tuple[str, Outcome]]:
    """(``lines.<field>``, outcome) of every labelled line value, and a false alarm per
    extracted line that matches no labelled line."""
    pairs = dict(match_lines(expected, actual))
    results: list[tuple[str, Outcome]] = []
    for index, line in enumerate(expected):
        found = actual[pairs[index]] if index in pairs else {}
        for name, value in line.items():
            if name != "line_no":
                results.append((f"lines.{name}", field_outcome(name, value, found.get(name))))
    matched = set(pairs.values())
    results += [(EXTRA_LINE, "false_alarm") for i in range(len(actual)) if i not in matched]
    return results


def match_discrepancies(
    expected: Sequence[Mapping[str, Any]], actual: Sequence[Mapping[str, Any]]
) -> int:
    """How many labelled discrepancies were reported: same kind, and the same line number
    and SKU where the label gives them (each reported one matches at most once)."""
    used: set[int] = set()
    matched = 0
    for wanted in expected:
        for index, found in enumerate(actual):
            if index in used or found.get("kind") != wanted.get("kind"):
                continue
            if wanted.get("line_no") is not None and found.get("line_no") != wanted["line_no"]:
                continue
            if wanted.get("sku") is not None and (
                found.get("sku") is None
                or normalise_text(found["sku"]) != normalise_text(wanted["sku"])
            ):
                continue
            used.add(index)
            matched += 1
            break
    return matched
