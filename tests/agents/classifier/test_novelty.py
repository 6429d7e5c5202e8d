"""The out-of-distribution measures: one event at a time as in a batch, and what they say."""

from __future__ import annotations

import numpy as np

from exdesk.agents.classifier.features import feature_row
from exdesk.agents.classifier.local import LocalClassifier
from exdesk.agents.classifier.novelty import PRODUCT_BATCH
from exdesk.evals.corpus import heldout_examples
from tests.agents.classifier.builders import event


def test_a_batch_measures_each_event_as_it_would_alone(classifier: LocalClassifier) -> None:
    rows = [feature_row(e.to_event()) for e in heldout_examples()[: PRODUCT_BATCH + 10]]
    model = classifier.model

    batch = model.novelty_of(model.read(rows))
    alone = [model.novelty_of(model.read([row])) for row in rows]

    assert np.allclose(batch.similarity, [n.similarity[0] for n in alone])
    assert np.array_equal(batch.words, [n.words[0] for n in alone])
    assert np.allclose(batch.known_share, [n.known_share[0] for n in alone])


def test_known_wording_is_similar_and_a_foreign_language_is_not_known(
    classifier: LocalClassifier,
) -> None:
    model = classifier.model
    rows = [
        feature_row(
            event("Shipment delayed - weather at the Memphis hub, new ETA Friday", "carrier")
        ),
        feature_row(event("Przesyłka opóźniona z powodu pogody, nowy termin w piątek", "carrier")),
    ]

    known, foreign = (model.novelty_of(model.read([row])) for row in rows)

    assert known.similarity[0] > 0.3
    assert known.known_share[0] > 0.9
    assert foreign.known_share[0] < 0.5
