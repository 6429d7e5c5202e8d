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
from typing import Final

import numpy as np
from numpy.typing import NDArray
from scipy.sparse import csr_matrix

from exdesk.agents.classifier.features import FeatureSpace, Reading, is_evidence

Vector = NDArray[np.float64]

PRODUCT_BATCH: Final = 64
"""From this many rows on, similarities are computed as one sparse product."""


@dataclass(frozen=True)
class Novelty:
    """The out-of-distribution measures of a batch, one entry per event."""

    similarity: Vector
    known_share: Vector
    words: NDArray[np.int64]


@dataclass(frozen=True)
class NoveltyIndex:
    """The training data's content words, ready to be compared with."""

    position: NDArray[np.int64]
    """For each column of the feature matrix, its index among the content words (single
    evidence words), or -1."""
    postings: csr_matrix
    """Content-word rows of the training data, unit length, transposed (words × examples):
    for each content word, the examples that have it and its weight there."""

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
        position = np.full(training_matrix.shape[1], -1, dtype=np.int64)
        position[columns] = np.arange(columns.size)
        postings = _unit_rows(training_matrix[:, columns]).T.tocsr()
        return cls(position=position, postings=postings)

    def measure(self, reading: Reading) -> Novelty:
        """The measures of each row of ``reading``.

        A small batch is measured row by row, summing the postings of each row's content
        words: for one event (as the workflow classifies) that is ten times faster than a
        sparse product, whose set-up dominates; a large batch takes the product, twice as
        fast as the loop there. Both give the same similarities.
        """
        if reading.matrix.shape[0] >= PRODUCT_BATCH:
            similarity = self._similarity_by_product(reading.matrix)
        else:
            similarity = self._similarity_by_rows(reading.matrix)
        words_count = reading.words
        known_share = np.where(
            words_count > 0, reading.known_words / np.maximum(words_count, 1), 0.0
        )
        return Novelty(similarity=similarity, known_share=known_share, words=words_count)

    def _similarity_by_product(self, matrix: csr_matrix) -> Vector:
        columns = np.flatnonzero(self.position >= 0)
        content = _unit_rows(matrix[:, columns])
        products = (content @ self.postings).tocsr()
        similarity = np.zeros(products.shape[0])
        has_any = np.diff(products.indptr) > 0
        if has_any.any():
            similarity[has_any] = products.max(axis=1).toarray().ravel()[has_any]
        return similarity

    def _similarity_by_rows(self, matrix: csr_matrix) -> Vector:
        positions = self.position[matrix.indices]
        examples = self.postings.shape[1]
        similarity = np.zeros(matrix.shape[0])
        for row in range(matrix.shape[0]):
            start, end = matrix.indptr[row], matrix.indptr[row + 1]
            words = positions[start:end]
            content = words >= 0
            if not content.any():
                continue
            words = words[content]
            values = matrix.data[start:end][content]
            values = values / np.sqrt(values @ values)
            similarity[row] = self._best_match(words, values, examples)
        return similarity

    def _best_match(self, words: NDArray[np.int64], values: Vector, examples: int) -> float:
        postings = self.postings
        starts, ends = postings.indptr[words], postings.indptr[words + 1]
        ids = np.concatenate([postings.indices[s:e] for s, e in zip(starts, ends, strict=True)])
        weights = np.concatenate(
            [postings.data[s:e] * v for s, e, v in zip(starts, ends, values, strict=True)]
        )
        return (
            float(np.bincount(ids, weights=weights, minlength=examples).max()) if ids.size else 0.0
        )


def _unit_rows(matrix: csr_matrix) -> csr_matrix:
    norms = np.sqrt(np.asarray(matrix.multiply(matrix).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    scale = csr_matrix((1.0 / norms, (np.arange(norms.size), np.arange(norms.size))))
    return (scale @ matrix).tocsr()
