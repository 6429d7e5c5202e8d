"""From the text model, the event's codes and its novelty to one classification.

In order:

1. A code that names a category decides it (``decisive``), at :data:`CODE_CONFIDENCE`.
2. A code that reports routine progress makes the event informational (category ``other``,
   :data:`CODE_CONFIDENCE`) — unless the text model is at least :data:`ROUTINE_VETO` sure of
   one exception category, as when a carrier sends an in-transit code with a damage note;
   then the text decides among the exceptions.
3. A code that reports an exception without naming it rules out "informational": the text
   model chooses among the other labels.
4. Otherwise the text model decides. ``routine`` counts as ``other`` for the category; the
   event is informational only when the model gives ``routine`` at least
   :data:`ROUTINE_FLOOR` (calling an exception informational is the costly error: such
   events may be closed without a person), and never when the event is out of
   distribution.

Whatever says routine — a code or the text model — a **word of trouble** in the event's text
(:data:`TROUBLE`: delayed, rescheduled, wrong, unable, not, damaged, refused… in English,
Spanish, German and French) keeps it from being informational: it then goes on as an
exception the text classifies. A routine status that says "not yet" (a label created, the
parcel not yet handed over) is not trouble. Sending routine progress to a person is the
cheap error; the guard trades some of it for the costly one: on UPS texts no model had
seen, two delay notices in routine words ("cleared after the scheduled departure… we will
reschedule", "transferred to the wrong post office") were called informational without it.
"No error", "no exceptions" and "no issues" are not trouble (a TA1 that accepts says "No
error").

The confidence of a text decision is the calibrator's (:mod:`...calibration`); an
out-of-distribution event's confidence is capped at :data:`OOD_CEILING`, under every
routing threshold, so a person classifies it. Runner-up probabilities are rescaled to what
the proposal leaves and never exceed it.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Final

import numpy as np
from numpy.typing import NDArray

from exdesk.agents.classifier.model import ROUTINE, TextLabel
from exdesk.agents.classifier.novelty import Novelty
from exdesk.agents.classifier.signals import Signal
from exdesk.domain import CATEGORIES, Category

CODE_CONFIDENCE: Final = 0.99
"""Confidence of a category decided by a published code (the rest allows for a partner
that misuses a code)."""

ROUTINE_FLOOR: Final = 0.9
"""Probability of ``routine`` the text model must give for an informational event."""

ROUTINE_VETO: Final = 0.9
"""Probability of one exception category that overrides a routine code."""

SIMILARITY_FLOOR: Final = 0.12
"""Content-word similarity to the nearest training example under which an event is out of
distribution."""

KNOWN_SHARE_FLOOR: Final = 0.55
"""Share of known words under which an event of at least :data:`MIN_WORDS` words is out of
distribution (a language the corpus does not hold)."""

MIN_WORDS: Final = 2
"""Fewer words than this say too little, unless they match a training example closely."""

SHORT_MATCH: Final = 0.8
"""Similarity at which a one-word event (``Delivered``) counts as known."""

OOD_CEILING: Final = 0.6
"""Highest confidence an out-of-distribution event may carry (under every threshold)."""

ALTERNATIVES: Final = 3

TROUBLE: Final = re.compile(
    r"\b(?:"
    # English
    r"delay|late\b|later\b|resched|postpon|miss|wrong|incorrect|invalid|unable|cannot|can't|"
    r"could ?n[o']t|not\b(?! yet)(?!.{0,40}\byet\b)|no one|nobody|fail|"
    r"(?<!\bno )(?<!\bno open )(?:errors?|exceptions?|issues?)\b|"
    r"refus|reject|damag|broken|crush|leak|torn\b|wet\b|smash|dent(?:ed)?\b|lost\b|"
    r"short(?:age|ed)?\b|hold\b|held\b|return|attempt|problem|"
    r"unsuccess|cancel|denied|insufficient|closed|strike|disrupt|unpaid|overdue|"
    # Spanish
    r"retras|demora|no (?:se|fue|ha|hemos|pudo|pudimos|esta|llego)\b|fall|rechaz|dan[oa]|"
    r"rot[oa]s?\b|perdid|devuel|ausente|"
    # German
    r"verzog|verspat|nicht|fehl|beschadig|verlust|verloren|zuruck|falsch|abgelehnt|verweiger|"
    # French
    r"retard|pas\b|erreur|echec|endommag|casse|perdu|retour|absent|impossible"
    r")",
)
"""Words of trouble (matched on the normalised text: lower case, no accents) that keep an
event from being informational."""

Calibrate = Callable[[float], float]
"""Calibrated confidence of one event for a probability of its text model."""


@dataclass(frozen=True)
class Verdict:
    """One event's classification before it becomes a proposal."""

    category: Category
    confidence: float
    informational: bool
    out_of_distribution: bool
    signal: Signal | None
    """The code that shaped the decision (decided it, or ruled informational in or out)."""
    text_label: TextLabel
    """The text label whose words are named as evidence."""
    alternatives: dict[Category, float]


def out_of_distribution(novelty: Novelty) -> NDArray[np.bool_]:
    """Which events are unlike the training data: too short, in an unknown language, or far
    from every training example."""
    words, similarity = novelty.words, novelty.similarity
    too_short = (words < MIN_WORDS) & (similarity < SHORT_MATCH)
    unknown_language = (words >= MIN_WORDS) & (novelty.known_share < KNOWN_SHARE_FLOOR)
    return too_short | unknown_language | (similarity < SIMILARITY_FLOOR)


def troubled(normalized_text: str) -> bool:
    """Whether a normalised text holds a word of trouble (:data:`TROUBLE`)."""
    return TROUBLE.search(normalized_text) is not None


def decide(
    probabilities: NDArray[np.float64],
    classes: Sequence[TextLabel],
    calibrated: float,
    ood: bool,
    signal: Signal | None,
    calibrate: Calibrate,
    trouble: bool = False,
) -> Verdict:
    """The verdict for one event.

    ``probabilities`` are the text model's (``classes`` order), ``calibrated`` the
    calibrator's confidence in the text model's top category, ``calibrate`` maps another
    probability to a calibrated confidence for this event, ``trouble`` says whether its
    text holds a word of trouble.
    """
    by_label = dict(zip(classes, probabilities.tolist(), strict=True))
    if signal is not None and signal.kind == "decisive" and signal.category is not None:
        return _code_verdict(signal.category, False, signal, by_label)
    if signal is not None and signal.kind == "routine" and not trouble:
        exceptions = {k: v for k, v in by_label.items() if k not in (ROUTINE, "other")}
        if max(exceptions.values(), default=0.0) < ROUTINE_VETO:
            return _code_verdict("other", True, signal, by_label)
    if signal is not None:  # an exception the code does not name, or a vetoed routine code
        return _text_verdict(_without_routine(by_label), None, ood, signal, calibrate, trouble)
    return _text_verdict(by_label, calibrated, ood, None, calibrate, trouble)


def _without_routine(by_label: dict[TextLabel, float]) -> dict[TextLabel, float]:
    kept = {k: v for k, v in by_label.items() if k != ROUTINE}
    total = sum(kept.values()) or 1.0
    return {k: v / total for k, v in kept.items()}


def _code_verdict(
    category: Category, informational: bool, signal: Signal, by_label: dict[TextLabel, float]
) -> Verdict:
    merged = _merge(by_label)
    label: TextLabel = ROUTINE if informational else category
    return Verdict(
        category=category,
        confidence=CODE_CONFIDENCE,
        informational=informational,
        out_of_distribution=False,
        signal=signal,
        text_label=label if label in by_label else category,
        alternatives=_alternatives(merged, category, CODE_CONFIDENCE),
    )


def _text_verdict(
    by_label: dict[TextLabel, float],
    calibrated: float | None,
    ood: bool,
    signal: Signal | None,
    calibrate: Calibrate,
    trouble: bool,
) -> Verdict:
    merged = _merge(by_label)
    category = max(CATEGORIES, key=lambda c: (merged.get(c, 0.0), -CATEGORIES.index(c)))
    confidence = calibrate(merged[category]) if calibrated is None else calibrated
    if ood:
        confidence = min(confidence, OOD_CEILING)
    routine = by_label.get(ROUTINE, 0.0)
    informational = category == "other" and routine >= ROUTINE_FLOOR and not (ood or trouble)
    label: TextLabel = category
    if category == "other" and routine > by_label.get("other", 0.0):
        label = ROUTINE
    return Verdict(
        category=category,
        confidence=round(confidence, 4),
        informational=informational,
        out_of_distribution=ood,
        signal=signal,
        text_label=label,
        alternatives=_alternatives(merged, category, confidence),
    )


def _merge(by_label: dict[TextLabel, float]) -> dict[Category, float]:
    merged: dict[Category, float] = dict.fromkeys(CATEGORIES, 0.0)
    for label, probability in by_label.items():
        merged["other" if label == ROUTINE else label] += probability
    return merged


def _alternatives(
    merged: dict[Category, float], category: Category, confidence: float
) -> dict[Category, float]:
    """The runner-ups, rescaled to share what the proposal leaves, never above it."""
    rest = 1.0 - merged[category]
    scale = (1.0 - confidence) / rest if rest > 0 else 0.0
    ranked = sorted(
        (c for c in CATEGORIES if c != category),
        key=lambda c: (-merged[c], CATEGORIES.index(c)),
    )[:ALTERNATIVES]
    return {c: round(min(merged[c] * scale, confidence), 4) for c in ranked}
