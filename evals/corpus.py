"""The classifier's evaluation sets, never trained on (the training split ships with the
agent, ``exdesk.agents.classifier.corpus``).

Each set is a folder ``datasets/classifier/<set>/`` of JSONL files in the shared sample
format (:class:`LabelledExample`) with a ``PROVENANCE.md``:

* ``heldout`` — written in-house, independently of the training split, in its voices;
* ``outside`` — texts from sources the classifier was not trained on (other carriers, ERPs,
  storefronts, payment gateways, writers and languages), with provenance per sample.
"""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable
from typing import Final, Literal

from exdesk.agents.classifier.corpus import LabelledExample, load_examples

EvaluationSet = Literal["heldout", "outside"]
"""The classifier's evaluation sets."""

CLASSIFIER_SETS: Final[Traversable] = resources.files(__package__ or __name__).joinpath(
    "datasets", "classifier"
)
HELDOUT_DATA: Final[Traversable] = CLASSIFIER_SETS.joinpath("heldout")
OUTSIDE_DATA: Final[Traversable] = CLASSIFIER_SETS.joinpath("outside")


def evaluation_examples(name: EvaluationSet) -> list[LabelledExample]:
    """Every example of one evaluation set."""
    return load_examples(CLASSIFIER_SETS.joinpath(name))


def heldout_examples() -> list[LabelledExample]:
    """The held-out split."""
    return load_examples(HELDOUT_DATA)


def outside_examples() -> list[LabelledExample]:
    """The outside set."""
    return load_examples(OUTSIDE_DATA)
