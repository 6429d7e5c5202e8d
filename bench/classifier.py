"""How many events per second the local classifier handles, in one process.

``python -m bench.classifier`` trains the engine on the training split, then classifies the
held-out split repeated to at least 10,000 events, twice over: in batches
(``classify_many`` on the whole list) and one at a time (``classify`` per event, as the
workflow calls it); then the same for the outside set (carrier statuses, error strings,
X12 documents whose codes decide). Each figure is the median of three runs, after one
untimed pass that fills the per-word cache as a running service would have. No database,
no network. The machine is shared: compare figures taken in one sitting, not across days.
"""

from __future__ import annotations

import argparse
import math
import statistics
import time
from collections.abc import Callable, Sequence
from typing import Final

from exdesk.agents.classifier.contract import ClassificationRequest
from exdesk.agents.classifier.corpus import LabelledExample, training_examples
from exdesk.agents.classifier.local import LocalClassifier
from exdesk.domain import ExceptionEvent
from exdesk.evals.corpus import heldout_examples, outside_examples

TARGET_BATCH_PER_SECOND: Final = 2_000.0
RUNS: Final = 3


def repeated(events: Sequence[ExceptionEvent], minimum: int) -> list[ExceptionEvent]:
    """The events, repeated until there are at least ``minimum``."""
    return list(events) * math.ceil(minimum / len(events))


def events_per_second(work: Callable[[], object], count: int, runs: int = RUNS) -> list[float]:
    """Throughput of each of ``runs`` timed calls of ``work`` (which handles ``count``)."""
    rates = []
    for _ in range(runs):
        started = time.perf_counter()
        work()
        rates.append(count / (time.perf_counter() - started))
    return rates


def one_at_a_time(classifier: LocalClassifier, events: Sequence[ExceptionEvent]) -> None:
    """Classify each event by itself, through the engine's request interface."""
    for event in events:
        classifier.classify(ClassificationRequest(event=event))


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point of ``python -m bench.classifier``."""
    parser = argparse.ArgumentParser(description="local classifier throughput")
    parser.add_argument("--events", type=int, default=10_000, help="at least this many events")
    args = parser.parse_args(argv)

    started = time.perf_counter()
    classifier = LocalClassifier.train_on(training_examples())
    print(f"training: {time.perf_counter() - started:.2f} s")
    batch_medians = [
        measure(classifier, name, examples, args.events)
        for name, examples in (("held-out", heldout_examples()), ("outside", outside_examples()))
    ]
    verdict = "PASS" if min(batch_medians) >= TARGET_BATCH_PER_SECOND else "FAIL"
    print(f"{verdict}  batch throughput >= {TARGET_BATCH_PER_SECOND:.0f} events/s")
    return 0


def measure(
    classifier: LocalClassifier, name: str, examples: Sequence[LabelledExample], minimum: int
) -> float:
    """Print batch and one-at-a-time throughput on one set; return the batch median."""
    distinct = [example.to_event() for example in examples]
    events = repeated(distinct, minimum)
    classifier.classify_many(distinct)
    batch = events_per_second(lambda: classifier.classify_many(events), len(events))
    single = events_per_second(lambda: one_at_a_time(classifier, events), len(events))
    batch_median, single_median = statistics.median(batch), statistics.median(single)
    print(f"{name}: events per run {len(events)}, runs {RUNS} (median reported)")
    print(f"  batch  classify_many: {batch_median:8.0f} events/s   runs {_rates(batch)}")
    print(
        f"  single classify:      {single_median:8.0f} events/s   runs {_rates(single)}"
        f"   ({1000.0 / single_median:.2f} ms per event)"
    )
    return batch_median


def _rates(rates: Sequence[float]) -> str:
    return ", ".join(f"{r:.0f}" for r in rates)


if __name__ == "__main__":
    raise SystemExit(main())
