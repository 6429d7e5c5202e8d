"""Score the local classifier: held-out split, an outside check on Bitext, the demo events.

Run ``python -m exdesk.evals.classification_eval [--json PATH]``. It trains
``LocalClassifier.train_on`` on the training split (never on held-out), then prints:

1. **Held-out split** (``evals/datasets/classifier/heldout``, written independently of the
   training split): accuracy, macro-F1, per-class precision / recall / F1, the confusion
   matrix, expected calibration error (10 equal-width bins of the top-class confidence) with
   its reliability table, and selective classification — coverage (share of cases whose
   confidence reaches the threshold of the category proposed, as routing does) and accuracy on
   the covered cases — at the default threshold and at the policy's per-category thresholds,
   plus a coverage/accuracy curve. Targets: macro-F1 ≥ 0.93; accuracy ≥ 0.98 on the cases
   that clear the default threshold while ≥ 80 % clear it.
2. **Outside check**: the Bitext customer-support intent test split (read in place from
   ``../shared/datasets/bitext-customer-support``; skipped when absent). Each utterance of an
   intent that *is* one of our categories (see :data:`BITEXT_CATEGORIES`) becomes an e-mail
   event without references. Its voice (short, synthetic, consumer chat) differs from our
   corpus, so this measures how far the model carries outside its training distribution.
3. **Demo events**: ``examples/exceptions.jsonl`` against ``examples/expected_categories.json``.

Always exits 0; ``--json PATH`` also writes every figure as JSON.
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, Final

from exdesk.agents.classifier.corpus import training_examples
from exdesk.agents.classifier.local import LocalClassifier
from exdesk.domain import CATEGORIES, Category, ExceptionEvent
from exdesk.evals.corpus import heldout_examples
from exdesk.evals.shared_data import shared_dataset
from exdesk.examples import example_events, expected_categories
from exdesk.policies.config import load_policy_config

TARGET_MACRO_F1: Final = 0.93
TARGET_COVERED_ACCURACY: Final = 0.98
TARGET_COVERAGE: Final = 0.80
ECE_BINS: Final = 10
CURVE_THRESHOLDS: Final = (0.5, 0.6, 0.7, 0.8, 0.9, 0.95, 0.99)
BITEXT_TEST: Final = "intent-detection/Bitext_Sample_Customer_Service_Testing_Dataset.csv"

BITEXT_CATEGORIES: Final[dict[str, Category]] = {
    "track_order": "customer_inquiry",
    "delivery_period": "customer_inquiry",
    "get_invoice": "customer_inquiry",
    "check_invoice": "customer_inquiry",
    "get_refund": "return_request",
    "track_refund": "return_request",
    "payment_issue": "credit_hold",
    "change_shipping_address": "address_issue",
}
"""Bitext intents that mean one of our categories, by GUIDELINES.md.

``track_order`` and ``delivery_period`` (when will my order arrive) are status questions;
``get_invoice`` / ``check_invoice`` ask for a copy of an invoice, which the guidelines file
under ``customer_inquiry``; ``get_refund`` / ``track_refund`` are refund requests;
``payment_issue`` reports a failed payment; ``change_shipping_address`` asks to change the
ship-to. Left out because no category matches them: ``cancel_order`` (a cancellation, not a
second identical order), ``change_order``, ``place_order``, ``delivery_options`` and
``check_payment_methods`` (questions before ordering), ``set_up_shipping_address`` (an
account's address book, not a delivery), ``check_refund_policy``, ``complaint``, ``review``,
and the account, contact, newsletter and cancellation-fee intents.
"""


@dataclass(frozen=True)
class Scored:
    """Gold labels, predictions and top-class confidences of one evaluation set."""

    gold: list[str]
    predicted: list[str]
    confidence: list[float]


@dataclass(frozen=True)
class ClassFigures:
    """Precision, recall and F1 of one class."""

    precision: float
    recall: float
    f1: float
    support: int


@dataclass(frozen=True)
class ReliabilityBin:
    """Cases whose confidence falls in ``[low, high)`` (the last bin includes 1.0)."""

    low: float
    high: float
    count: int
    confidence: float
    accuracy: float


@dataclass(frozen=True)
class Selective:
    """Coverage and accuracy on the covered cases at one confidence threshold."""

    threshold: float | None
    coverage: float
    accuracy: float
    covered: int


@dataclass(frozen=True)
class Report:
    """Every figure of one evaluation set."""

    count: int
    accuracy: float
    macro_f1: float
    per_class: dict[str, ClassFigures]
    labels: list[str]
    confusion: list[list[int]]
    ece: float
    reliability: list[ReliabilityBin]
    at_default: Selective
    at_policy: Selective
    curve: list[Selective]


def score(classifier: LocalClassifier, events: Sequence[ExceptionEvent], gold: list[str]) -> Scored:
    """Classify the events in one batch."""
    outcomes = classifier.classify_many(events)
    return Scored(
        gold=gold,
        predicted=[o.output.category for o in outcomes],
        confidence=[o.output.confidence for o in outcomes],
    )


def accuracy(scored: Scored) -> float:
    """Share of correct predictions."""
    hits = sum(g == p for g, p in zip(scored.gold, scored.predicted, strict=True))
    return hits / len(scored.gold) if scored.gold else 0.0


def per_class(scored: Scored, labels: Sequence[str]) -> dict[str, ClassFigures]:
    """Precision, recall and F1 of each label (predictions outside ``labels`` are misses)."""
    pairs = Counter(zip(scored.gold, scored.predicted, strict=True))
    gold_counts, predicted_counts = Counter(scored.gold), Counter(scored.predicted)
    figures = {}
    for label in labels:
        hits = pairs[(label, label)]
        precision = hits / predicted_counts[label] if predicted_counts[label] else 0.0
        recall = hits / gold_counts[label] if gold_counts[label] else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        figures[label] = ClassFigures(precision, recall, f1, gold_counts[label])
    return figures


def confusion(scored: Scored, labels: Sequence[str]) -> list[list[int]]:
    """Rows are gold labels, columns predicted labels, both in ``labels`` order."""
    pairs = Counter(zip(scored.gold, scored.predicted, strict=True))
    return [[pairs[(g, p)] for p in labels] for g in labels]


def reliability(scored: Scored, bins: int = ECE_BINS) -> tuple[float, list[ReliabilityBin]]:
    """Expected calibration error over equal-width confidence bins, and the bins."""
    table, ece, total = [], 0.0, len(scored.gold)
    for b in range(bins):
        low, high = b / bins, (b + 1) / bins
        members = [
            (c, g == p)
            for g, p, c in zip(scored.gold, scored.predicted, scored.confidence, strict=True)
            if low <= c < high or (b == bins - 1 and c == 1.0)
        ]
        if not members:
            continue
        mean_confidence = sum(c for c, _ in members) / len(members)
        hit_rate = sum(ok for _, ok in members) / len(members)
        ece += len(members) / total * abs(hit_rate - mean_confidence)
        table.append(ReliabilityBin(low, high, len(members), mean_confidence, hit_rate))
    return ece, table


def selective(
    scored: Scored, threshold_of: Callable[[str], float], threshold: float | None = None
) -> Selective:
    """Coverage and covered accuracy when a case needs ``threshold_of(proposed category)``."""
    covered = [
        g == p
        for g, p, c in zip(scored.gold, scored.predicted, scored.confidence, strict=True)
        if c >= threshold_of(p)
    ]
    share = len(covered) / len(scored.gold) if scored.gold else 0.0
    hit_rate = sum(covered) / len(covered) if covered else 0.0
    return Selective(threshold, share, hit_rate, len(covered))


def report(scored: Scored, labels: Sequence[str]) -> Report:
    """All figures of one scored set, with the thresholds of the default policy file."""
    thresholds = load_policy_config().thresholds
    classes = per_class(scored, labels)
    ece, table = reliability(scored)
    default = thresholds.default
    return Report(
        count=len(scored.gold),
        accuracy=accuracy(scored),
        macro_f1=sum(f.f1 for f in classes.values()) / len(classes),
        per_class=classes,
        labels=list(labels),
        confusion=confusion(scored, labels),
        ece=ece,
        reliability=table,
        at_default=selective(scored, _constant(default), default),
        at_policy=selective(scored, thresholds.for_category),  # type: ignore[arg-type]
        curve=[selective(scored, _constant(t), t) for t in CURVE_THRESHOLDS],
    )


def _constant(threshold: float) -> Callable[[str], float]:
    return lambda _category: threshold


def heldout_report(classifier: LocalClassifier) -> Report:
    """The figures of the held-out split."""
    examples = heldout_examples()
    events = [e.to_event() for e in examples]
    return report(score(classifier, events, [e.category for e in examples]), CATEGORIES)


def targets(heldout: Report) -> dict[str, dict[str, Any]]:
    """Each held-out target: measured value, target, passed."""
    at = heldout.at_default
    checks = {
        "macro_f1": (heldout.macro_f1, TARGET_MACRO_F1),
        "covered_accuracy_at_default": (at.accuracy, TARGET_COVERED_ACCURACY),
        "coverage_at_default": (at.coverage, TARGET_COVERAGE),
    }
    return {k: {"value": v, "target": t, "passed": v >= t} for k, (v, t) in checks.items()}


def bitext_events() -> tuple[list[ExceptionEvent], list[str], list[str]] | None:
    """Events, gold categories and intents of the mapped Bitext test utterances."""
    root = shared_dataset("bitext-customer-support")
    if root is None or not (root / BITEXT_TEST).is_file():
        return None
    events: list[ExceptionEvent] = []
    gold: list[str] = []
    intents: list[str] = []
    with (root / BITEXT_TEST).open(encoding="utf-8", newline="") as handle:
        for number, line in enumerate(csv.DictReader(handle)):
            category = BITEXT_CATEGORIES.get(line["intent"])
            if category is None or not line["utterance"].strip():
                continue
            events.append(
                ExceptionEvent(
                    source="email",
                    source_event_id=f"bitext-test-{number}",
                    occurred_at=datetime(2026, 1, 1, tzinfo=UTC),
                    summary=line["utterance"],
                )
            )
            gold.append(category)
            intents.append(line["intent"])
    return events, gold, intents


def bitext_report(classifier: LocalClassifier) -> dict[str, Any] | None:
    """Accuracy, macro-F1 over the mapped categories, and accuracy per Bitext intent."""
    loaded = bitext_events()
    if loaded is None:
        return None
    events, gold, intents = loaded
    scored = score(classifier, events, gold)
    labels = sorted(set(gold))
    classes = per_class(scored, labels)
    by_intent: dict[str, list[bool]] = {}
    for intent, g, p in zip(intents, scored.gold, scored.predicted, strict=True):
        by_intent.setdefault(intent, []).append(g == p)
    return {
        "count": len(gold),
        "accuracy": accuracy(scored),
        "macro_f1": sum(f.f1 for f in classes.values()) / len(classes),
        "per_class": {k: asdict(v) for k, v in classes.items()},
        "per_intent": {k: sum(v) / len(v) for k, v in sorted(by_intent.items())},
        "predicted": dict(Counter(scored.predicted).most_common()),
    }


def demo_report(classifier: LocalClassifier) -> dict[str, Any]:
    """Accuracy on the shipped demo events, and which ones were missed."""
    expected = expected_categories()
    events = example_events()
    scored = score(classifier, events, [expected[e.source_event_id] for e in events])
    misses = [
        {"event": e.source_event_id, "expected": g, "predicted": p, "confidence": c}
        for e, g, p, c in zip(events, scored.gold, scored.predicted, scored.confidence, strict=True)
        if g != p
    ]
    return {"count": len(events), "accuracy": accuracy(scored), "misses": misses}


def print_heldout(heldout: Report, checks: dict[str, dict[str, Any]]) -> None:
    """The held-out figures as tables."""
    print(f"== held-out split: {heldout.count} events")
    print(f"accuracy {heldout.accuracy:.4f}   macro-F1 {heldout.macro_f1:.4f}")
    print(f"\n{'category':<22}{'precision':>10}{'recall':>8}{'F1':>8}{'n':>5}")
    for label, f in heldout.per_class.items():
        print(f"{label:<22}{f.precision:>10.3f}{f.recall:>8.3f}{f.f1:>8.3f}{f.support:>5}")
    print("\nconfusion (rows gold, columns predicted in the same order)")
    print(" " * 25 + "".join(f"{i:>4}" for i in range(1, len(heldout.labels) + 1)))
    for i, (label, row) in enumerate(zip(heldout.labels, heldout.confusion, strict=True), 1):
        print(f"{i:>2} {label:<22}" + "".join(f"{n:>4}" if n else "   ." for n in row))
    print(f"\nexpected calibration error ({ECE_BINS} bins): {heldout.ece:.4f}")
    print(f"{'confidence':<14}{'n':>5}{'mean conf':>11}{'accuracy':>10}")
    for b in heldout.reliability:
        print(f"[{b.low:.1f}, {b.high:.1f}){b.count:>9}{b.confidence:>11.3f}{b.accuracy:>10.3f}")
    d, p = heldout.at_default, heldout.at_policy
    print(f"\nselective, default threshold {d.threshold:.2f}: coverage {d.coverage:.3f}, ", end="")
    print(f"accuracy on covered {d.accuracy:.4f} ({d.covered} cases)")
    print(f"selective, policy thresholds per category: coverage {p.coverage:.3f}, ", end="")
    print(f"accuracy on covered {p.accuracy:.4f} ({p.covered} cases)")
    print(f"{'threshold':<11}{'coverage':>9}{'accuracy':>10}")
    for s in heldout.curve:
        print(f"{s.threshold:<11.2f}{s.coverage:>9.3f}{s.accuracy:>10.4f}")
    print("\ntargets")
    for name, check in checks.items():
        verdict = "PASS" if check["passed"] else "FAIL"
        print(f"  {verdict}  {name}: {check['value']:.4f} (target >= {check['target']:.2f})")


def print_outside(bitext: dict[str, Any] | None, demo: dict[str, Any]) -> None:
    """The Bitext and demo figures."""
    print("\n== outside check: Bitext customer-support test split (mapped intents)")
    if bitext is None:
        print("skipped: ../shared/datasets/bitext-customer-support is absent")
    else:
        print(f"{bitext['count']} utterances, accuracy {bitext['accuracy']:.4f}, ", end="")
        print(f"macro-F1 {bitext['macro_f1']:.4f}")
        for intent, share in bitext["per_intent"].items():
            print(f"  {intent:<26}-> {BITEXT_CATEGORIES[intent]:<18} accuracy {share:.3f}")
        print(f"  predicted: {bitext['predicted']}")
    print(f"\n== demo events: {demo['count']}, accuracy {demo['accuracy']:.4f}")
    for miss in demo["misses"]:
        print(f"  {miss['event']}: expected {miss['expected']}, got {miss['predicted']} ", end="")
        print(f"({miss['confidence']:.2f})")


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m exdesk.evals.classification_eval``."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--json", type=Path, help="also write the figures to this file")
    args = parser.parse_args(argv)
    started = time.perf_counter()
    classifier = LocalClassifier.train_on(training_examples())
    training_seconds = time.perf_counter() - started
    print(f"trained on the training split in {training_seconds:.2f} s\n")
    heldout = heldout_report(classifier)
    checks = targets(heldout)
    bitext, demo = bitext_report(classifier), demo_report(classifier)
    print_heldout(heldout, checks)
    print_outside(bitext, demo)
    if args.json is not None:
        figures = {
            "training_seconds": training_seconds,
            "heldout": asdict(heldout),
            "targets": checks,
            "bitext": bitext if bitext is not None else {"skipped": "dataset absent"},
            "demo": demo,
        }
        args.json.write_text(json.dumps(figures, indent=2), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
