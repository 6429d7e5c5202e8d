"""The classifier's evaluation split: written independently of the training split (which
ships with the agent, ``exdesk.agents.classifier.corpus``) and never trained on."""

from __future__ import annotations

from importlib import resources
from importlib.abc import Traversable

from exdesk.agents.classifier.corpus import LabelledExample, load_examples

HELDOUT_DATA: Traversable = resources.files(__package__ or __name__).joinpath(
    "datasets", "classifier", "heldout"
)


def heldout_examples() -> list[LabelledExample]:
    """The held-out split."""
    return load_examples(HELDOUT_DATA)
