"""How unlike its training data an event is: the out-of-distribution measures.

Three cheap measures, each computed for a whole batch at once:

* **similarity** — the largest cosine similarity between the event's content words (single
  words that may be named as evidence: no stop words, no numbers) and those of any one
  training example. A carrier status in a known vocabulary scores 0.5–1; a message about
  something the corpus never covered scores near 0.
* **known words** — the share of the event's words (letters only) that occur anywhere in the
  training data. Text in a language the corpus does not hold scores low even when a few
  shared words (``ok``, ``pallet``) lift its similarity.
* **words** — how many words the event has at all: two words say too little to classify.

The similarity uses content words only, not the character n-grams the classifier also
reads: the n-gram block makes every pair of texts a little similar, and it made computing
the maximum over the training data five times slower.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix

from exdesk.agents.classifier.features import FeatureSpace, Reading, is_evidence

Vector = NDArray[np.float64]


@dataclass(frozen=True)
class Novelty:
    """The out-of-distribution measures of a batch, one entry per event."""

    similarity: Vector
    known_share: Vector
    words: NDArray[np.int64]


@dataclass(frozen=True)
class NoveltyIndex:
    """The training data's content words, ready to be compared with."""

    columns: NDArray[np.int64]
    """Columns of the feature matrix that are content words (single evidence words)."""
    training: csr_matrix
    """Content-word rows of the training data, unit length, transposed (words × examples)."""

    @classmethod
    def fit(cls, space: FeatureSpace, training_matrix: csr_matrix) -> NoveltyIndex:
        """Index the content words of already transformed training rows."""
        columns = np.array(
            sorted(
                column
                for term, column in space.words.columns.items()
                if " " not in term and is_evidence(term)
            ),
            dtype=np.int64,
        )
        return cls(columns=columns, training=_unit_rows(training_matrix[:, columns]).T.tocsr())

    def measure(self, reading: Reading) -> Novelty:
        """The measures of each row of ``reading``."""
        content = _unit_rows(reading.matrix[:, self.columns])
        products = (content @ self.training).tocsr()
        similarity = np.zeros(products.shape[0])
        has_any = np.diff(products.indptr) > 0
        if has_any.any():
            similarity[has_any] = products.max(axis=1).toarray().ravel()[has_any]
        words = reading.words
        known_share = np.where(words > 0, reading.known_words / np.maximum(words, 1), 0.0)
        return Novelty(similarity=similarity, known_share=known_share, words=words)


def _unit_rows(matrix: csr_matrix) -> csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    scale = csr_matrix((1.0 / norms, (np.arange(norms.size), np.arange(norms.size))))
    return (scale @ matrix).tocsr()
