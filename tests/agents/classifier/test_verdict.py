"""How the text model, the codes and novelty make one verdict (pure, no trained model)."""

from __future__ import annotations

import numpy as np
import pytest

from exdesk.agents.classifier.model import ROUTINE, TextLabel
from exdesk.agents.classifier.novelty import Novelty
from exdesk.agents.classifier.signals import Signal
from exdesk.agents.classifier.verdict import (
    CODE_CONFIDENCE,
    OOD_CEILING,
    ROUTINE_FLOOR,
    decide,
    out_of_distribution,
)
from exdesk.domain import CATEGORIES

CLASSES: tuple[TextLabel, ...] = (*CATEGORIES, ROUTINE)


def probabilities(**given: float) -> np.ndarray:
    """A distribution with the given labels, the rest shared evenly."""
    rest = (1.0 - sum(given.values())) / (len(CLASSES) - len(given))
    return np.array([given.get(label, rest) for label in CLASSES])


def same(probability: float) -> float:
    return probability


def test_a_decisive_code_decides_whatever_the_text_says() -> None:
    signal = Signal("x12-214:X6/AJ", "decisive", "carrier_delay", "En Route; Other Carrier Related")

    verdict = decide(probabilities(routine=0.9), CLASSES, 0.9, False, signal, same)

    assert (verdict.category, verdict.confidence, verdict.informational) == (
        "carrier_delay",
        CODE_CONFIDENCE,
        False,
    )
    assert verdict.signal is signal


def test_a_routine_code_makes_the_event_informational() -> None:
    signal = Signal("carrier:usps/OF", "routine", "other", "Out for Delivery")

    verdict = decide(probabilities(customer_inquiry=0.6), CLASSES, 0.6, False, signal, same)

    assert (verdict.category, verdict.informational) == ("other", True)


def test_a_text_sure_of_an_exception_vetoes_a_routine_code() -> None:
    signal = Signal("carrier:ups/I", "routine", "other", "In Transit")

    verdict = decide(probabilities(shipment_damaged=0.95), CLASSES, 0.95, False, signal, same)

    assert (verdict.category, verdict.informational) == ("shipment_damaged", False)


def test_an_exception_code_rules_informational_out() -> None:
    signal = Signal("carrier:fedex/DE", "exception", None, "Delivery exception")

    verdict = decide(
        probabilities(routine=0.7, carrier_delay=0.2), CLASSES, 0.7, False, signal, same
    )

    assert verdict.category == "carrier_delay"
    assert not verdict.informational


def test_the_text_calls_an_event_informational_only_when_sure() -> None:
    sure = decide(probabilities(routine=0.95), CLASSES, 0.95, False, None, same)
    unsure = decide(probabilities(routine=ROUTINE_FLOOR - 0.1), CLASSES, 0.8, False, None, same)

    assert (sure.category, sure.informational) == ("other", True)
    assert (unsure.category, unsure.informational) == ("other", False)


def test_routine_and_other_add_up_for_the_category() -> None:
    verdict = decide(
        probabilities(routine=0.35, other=0.3, carrier_delay=0.3), CLASSES, 0.65, False, None, same
    )

    assert verdict.category == "other"


def test_an_out_of_distribution_event_goes_to_a_person() -> None:
    verdict = decide(probabilities(routine=0.97), CLASSES, 0.97, True, None, same)

    assert verdict.out_of_distribution
    assert verdict.confidence <= OOD_CEILING
    assert not verdict.informational


@pytest.mark.parametrize("confidence", [0.2, 0.5, 0.9])
def test_runner_ups_never_exceed_the_proposal_nor_what_it_leaves(confidence: float) -> None:
    verdict = decide(
        probabilities(carrier_delay=0.45, shipment_lost=0.4), CLASSES, confidence, False, None, same
    )

    assert len(verdict.alternatives) == 3
    assert all(p <= verdict.confidence for p in verdict.alternatives.values())
    assert verdict.confidence + sum(verdict.alternatives.values()) <= 1.0 + 1e-3


def test_out_of_distribution_rules() -> None:
    novelty = Novelty(
        similarity=np.array([0.9, 0.05, 0.4, 0.4, 0.95]),
        known_share=np.array([1.0, 1.0, 0.2, 1.0, 1.0]),
        words=np.array([6, 6, 8, 1, 1]),
    )

    flags = out_of_distribution(novelty).tolist()

    # known; far from every example; unknown language; one word unlike any; one known word
    assert flags == [False, True, True, True, False]
