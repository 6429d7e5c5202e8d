"""The default embedder: TF-IDF of words and character n-grams, reduced by TruncatedSVD.

Fitted deterministically on the project's labelled corpus (no download, no network, no
PyTorch) and cached on disk under a digest of the corpus, the dimension and the versions.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np
import sklearn
from sklearn.decomposition import TruncatedSVD
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion

from exdesk.model_cache import load_or_build
from exdesk.tools.precedents.embedder import Vectors, l2_normalise

EMBEDDER_VERSION = "tfidf-svd-2"
"""Changes whenever the features or the reduction change; part of the cache key."""

DEFAULT_DIM = 256
"""On the corpus's held-out split, 128–256 components keep the nearest neighbour's category
as well as the raw TF-IDF does (≈0.85 top-1); 256 leaves room for a larger fitting corpus."""


def _features() -> FeatureUnion:
    return FeatureUnion(
        [
            (
                "words",
                TfidfVectorizer(
                    ngram_range=(1, 2),
                    sublinear_tf=True,
                    min_df=2,
                    lowercase=True,
                    strip_accents="unicode",
                ),
            ),
            (
                "chars",
                TfidfVectorizer(
                    analyzer="char_wb",
                    ngram_range=(3, 5),
                    sublinear_tf=True,
                    min_df=2,
                    max_features=30_000,
                    lowercase=True,
                ),
            ),
        ]
    )


def fit_digest(texts: Sequence[str], dim: int) -> str:
    """A digest of what determines the fitted model: texts, dimension, versions."""
    h = hashlib.sha256(f"{EMBEDDER_VERSION}|{sklearn.__version__}|{dim}".encode())
    for text in texts:
        h.update(len(text).to_bytes(8, "little"))
        h.update(text.encode())
    return h.hexdigest()[:16]


class LocalEmbedder:
    """TF-IDF (words 1–2, characters 3–5) → TruncatedSVD → unit vectors."""

    def __init__(self, features: FeatureUnion, projection: Vectors, digest: str) -> None:
        self._features = features
        self._projection = np.ascontiguousarray(projection, dtype=np.float32)
        self.digest = digest
        """The digest of the fitting corpus and settings (names the cache file)."""
        self._dim = int(projection.shape[1])

    @property
    def name(self) -> str:
        """``local-tfidf-svd-<dim>``."""
        return f"local-tfidf-svd-{self._dim}"

    @property
    def dim(self) -> int:
        """The SVD's number of components."""
        return self._dim

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Unit vectors, one per text (thread-safe: transforms only read the model)."""
        if not texts:
            return np.zeros((0, self._dim), dtype=np.float32)
        sparse = self._features.transform(list(texts)).astype(np.float32)
        return l2_normalise(sparse @ self._projection)

    @classmethod
    def fit(cls, texts: Sequence[str], dim: int = DEFAULT_DIM) -> LocalEmbedder:
        """Fit on ``texts`` (deterministic: ARPACK with a fixed start, signs normalised)."""
        if len(texts) <= dim:
            raise ValueError(f"fitting {dim} components needs more than {dim} texts")
        features = _features()
        matrix = features.fit_transform(list(texts))
        svd = TruncatedSVD(n_components=dim, algorithm="arpack", random_state=0)
        svd.fit(matrix)
        # The SVD's transform is X @ components_.T; a contiguous float32 copy of that
        # matrix makes one text's projection take microseconds instead of milliseconds.
        return cls(features, svd.components_.T, fit_digest(texts, dim))

    @classmethod
    def load_or_fit(
        cls, texts: Sequence[str], cache_dir: Path, dim: int = DEFAULT_DIM
    ) -> LocalEmbedder:
        """The cached model for these texts and dimension, fitting (and caching) it once."""
        digest = fit_digest(texts, dim)
        return load_or_build(
            cache_dir / f"embedder-{digest}.pkl",
            LocalEmbedder,
            lambda: cls.fit(texts, dim),
            lambda model: model.digest == digest,
        )

    @classmethod
    def default(
        cls, data_dir: Path, corpus: Callable[[], Sequence[str]], dim: int = DEFAULT_DIM
    ) -> LocalEmbedder:
        """Fitted on the texts ``corpus()`` returns, cached in ``data_dir/models`` under
        their digest. One instance per (data directory, dimension) per process.
        """
        with _DEFAULT_LOCK:
            key = (data_dir.resolve(), dim)
            if key not in _DEFAULT:
                _DEFAULT[key] = cls.load_or_fit(corpus(), data_dir / "models", dim)
            return _DEFAULT[key]


_DEFAULT_LOCK = threading.Lock()
_DEFAULT: dict[tuple[Path, int], LocalEmbedder] = {}
