"""The local classifier's model: TF-IDF words and characters plus structured features,
a linear SVM, and isotonic calibration (cross-validated) so confidences mean what they say."""

from __future__ import annotations

import hashlib
import os
import pickle
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
import sklearn
from sklearn.calibration import CalibratedClassifierCV
from sklearn.feature_extraction import DictVectorizer
from sklearn.feature_extraction.text import TfidfVectorizer
from sklearn.pipeline import FeatureUnion, Pipeline
from sklearn.preprocessing import FunctionTransformer
from sklearn.svm import LinearSVC

from exdesk.domain import Category

MODEL_VERSION = "tfidf-svc-isotonic-1"
"""Changes whenever the features or the estimator change; part of the cache key."""


def _texts(rows: Sequence[dict[str, Any]]) -> list[str]:
    return [row["text"] for row in rows]


def _structs(rows: Sequence[dict[str, Any]]) -> list[dict[str, float]]:
    return [row["struct"] for row in rows]


def build_pipeline(seed: int = 7) -> Pipeline:
    """The untrained pipeline."""
    features = FeatureUnion(
        [
            (
                "words",
                Pipeline(
                    [
                        ("pick", FunctionTransformer(_texts)),
                        (
                            "tfidf",
                            TfidfVectorizer(
                                ngram_range=(1, 2),
                                sublinear_tf=True,
                                min_df=1,
                                lowercase=True,
                                strip_accents="unicode",
                            ),
                        ),
                    ]
                ),
            ),
            (
                "chars",
                Pipeline(
                    [
                        ("pick", FunctionTransformer(_texts)),
                        (
                            "tfidf",
                            TfidfVectorizer(
                                analyzer="char_wb",
                                ngram_range=(3, 5),
                                sublinear_tf=True,
                                min_df=2,
                                max_features=60_000,
                                lowercase=True,
                            ),
                        ),
                    ]
                ),
            ),
            (
                "struct",
                Pipeline([("pick", FunctionTransformer(_structs)), ("dict", DictVectorizer())]),
            ),
        ]
    )
    classifier = CalibratedClassifierCV(
        LinearSVC(C=1.0, random_state=seed), method="isotonic", cv=5, ensemble=False
    )
    return Pipeline([("features", features), ("classifier", classifier)])


@dataclass(frozen=True)
class TrainedModel:
    """A fitted pipeline and the class order of its probabilities."""

    pipeline: Pipeline
    classes: tuple[Category, ...]
    corpus_digest: str
    feature_names: tuple[str, ...]

    def probabilities(self, rows: Sequence[dict[str, Any]]) -> np.ndarray[Any, Any]:
        """Calibrated class probabilities, one row per input."""
        return self.pipeline.predict_proba(list(rows))  # type: ignore[no-any-return]

    def top_terms(self, row: dict[str, Any], category: Category, k: int = 5) -> list[str]:
        """The input features that pushed hardest towards ``category``."""
        features: FeatureUnion = self.pipeline.named_steps["features"]
        calibrated: CalibratedClassifierCV = self.pipeline.named_steps["classifier"]
        estimator: LinearSVC = calibrated.calibrated_classifiers_[0].estimator
        vector = features.transform([row]).tocsr()
        index = list(estimator.classes_).index(category)
        weights = estimator.coef_[index]
        names = self.feature_names
        contributions = [
            (vector.data[i] * weights[col], names[col])
            for i, col in enumerate(vector.indices)
            if weights[col] > 0 and not names[col].startswith("chars__")
        ]
        contributions.sort(reverse=True)
        return [name.split("__", 1)[1] for _, name in contributions[:k]]


def corpus_digest(rows: Sequence[dict[str, Any]], labels: Sequence[str]) -> str:
    """A digest of the training data and the model version."""
    h = hashlib.sha256(MODEL_VERSION.encode())
    h.update(sklearn.__version__.encode())
    for row, label in zip(rows, labels, strict=True):
        h.update(repr((row["text"], sorted(row["struct"].items()), label)).encode())
    return h.hexdigest()[:16]


def train(rows: Sequence[dict[str, Any]], labels: Sequence[Category]) -> TrainedModel:
    """Fit the pipeline on labelled rows."""
    pipeline = build_pipeline()
    pipeline.fit(list(rows), list(labels))
    classes = tuple(pipeline.named_steps["classifier"].classes_)
    return TrainedModel(pipeline, classes, corpus_digest(rows, labels), _feature_names(pipeline))


def _feature_names(pipeline: Pipeline) -> tuple[str, ...]:
    names: list[str] = []
    for name, part in pipeline.named_steps["features"].transformer_list:
        names.extend(f"{name}__{feature}" for feature in part[-1].get_feature_names_out())
    return tuple(names)


def load_or_train(
    cache_dir: Path, rows: Sequence[dict[str, Any]], labels: Sequence[Category]
) -> TrainedModel:
    """The cached model for this corpus, training (and caching) it on first use.

    The cache file is written by this program from its own corpus; it is written to a
    temporary file and renamed, so concurrent starters never read half a file.
    """
    key = corpus_digest(rows, labels)
    path = cache_dir / f"classifier-{key}.pkl"
    if path.is_file():
        with path.open("rb") as handle:
            model = pickle.load(handle)
        if isinstance(model, TrainedModel):
            return model
    model = train(rows, labels)
    cache_dir.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=cache_dir, suffix=".tmp")
    with os.fdopen(fd, "wb") as handle:
        pickle.dump(model, handle)
    os.replace(tmp, path)
    return model
