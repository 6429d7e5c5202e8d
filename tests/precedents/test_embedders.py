"""The embedders: the local one's vectors and cache, the OpenAI one's HTTP contract."""

from __future__ import annotations

import json
from pathlib import Path

import httpx
import numpy as np
import pytest
import respx

from exdesk.agents.classifier.corpus import training_texts
from exdesk.errors import ConfigurationError
from exdesk.tools.precedents import Embedder, LocalEmbedder, OpenAIEmbedder
from tests.llm.support import OPENAI_BASE_URL, openai_client

DELAY = "Shipment SH-88207 delayed in transit due to weather at the Louisville hub"
DELAY_TWIN = "Shipment SH-90114 delayed in transit due to weather at the Memphis hub"
CREDIT = "Order SO-104117 placed on credit hold: customer over credit limit"


def test_local_vectors_are_unit_length_and_rank_a_near_duplicate_closest(
    small_embedder: LocalEmbedder,
) -> None:
    vectors = small_embedder.embed([DELAY, DELAY_TWIN, CREDIT, "zzzz"])

    assert isinstance(small_embedder, Embedder)
    assert small_embedder.name == "local-tfidf-svd-32"
    assert vectors.dtype == np.float32
    assert vectors.shape == (4, 32)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2]
    assert small_embedder.embed([]).shape == (0, 32)


def test_the_local_fit_is_deterministic_and_cached_by_digest(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    texts = training_texts()[::6]
    fitted = LocalEmbedder.load_or_fit(texts, tmp_path, dim=16)
    refitted = LocalEmbedder.fit(texts, dim=16)
    assert np.allclose(refitted.embed([DELAY, CREDIT]), fitted.embed([DELAY, CREDIT]), atol=1e-5)

    def no_fitting(*args: object, **kwargs: object) -> LocalEmbedder:
        raise AssertionError("fitted again although the cache holds this corpus")

    monkeypatch.setattr(LocalEmbedder, "fit", no_fitting)
    again = LocalEmbedder.load_or_fit(texts, tmp_path, dim=16)
    assert again.digest == fitted.digest
    assert np.array_equal(again.embed([DELAY]), fitted.embed([DELAY]))
    monkeypatch.undo()

    other_dim = LocalEmbedder.load_or_fit(texts, tmp_path, dim=12)
    assert other_dim.name == "local-tfidf-svd-12"
    assert len(list(tmp_path.glob("embedder-*.pkl"))) == 2
    assert not list(tmp_path.glob("*.tmp"))


def _embedding_response(vectors: list[list[float]], order: list[int]) -> httpx.Response:
    return httpx.Response(
        200,
        json={
            "object": "list",
            "data": [{"object": "embedding", "index": i, "embedding": vectors[i]} for i in order],
            "model": "text-embedding-3-small",
            "usage": {"prompt_tokens": 12, "total_tokens": 12},
        },
    )


def test_openai_embedder_sends_the_model_and_dimensions_and_orders_by_index() -> None:
    with respx.mock(base_url=OPENAI_BASE_URL, assert_all_called=True) as router:
        route = router.post("/embeddings").mock(
            return_value=_embedding_response([[3.0, 4.0, 0.0], [0.0, 0.0, 2.0]], order=[1, 0])
        )
        embedder = OpenAIEmbedder(openai_client(router), "text-embedding-3-small", dimensions=3)

        vectors = embedder.embed([DELAY, CREDIT])

    request = route.calls.last.request
    assert request.headers["authorization"] == "Bearer sk-test-key"
    assert json.loads(request.content) == {
        "model": "text-embedding-3-small",
        "input": [DELAY, CREDIT],
        "dimensions": 3,
        "encoding_format": "float",
    }
    assert embedder.name == "openai-text-embedding-3-small-3"
    assert vectors.dtype == np.float32
    assert np.allclose(vectors, [[0.6, 0.8, 0.0], [0.0, 0.0, 1.0]])


def test_openai_embedder_learns_an_unknown_models_dimension_from_a_probe() -> None:
    with respx.mock(base_url=OPENAI_BASE_URL, assert_all_called=True) as router:
        route = router.post("/embeddings").mock(
            return_value=_embedding_response([[1.0, 1.0, 1.0, 1.0]], order=[0])
        )
        embedder = OpenAIEmbedder(openai_client(router), "nomic-embed-text")

        assert embedder.dim == 4
        assert embedder.name == "openai-nomic-embed-text-4"

    assert "dimensions" not in json.loads(route.calls.last.request.content)


def test_openai_embedder_batches_long_inputs() -> None:
    texts = [f"{DELAY} #{i}" for i in range(300)]

    def answer(request: httpx.Request) -> httpx.Response:
        size = len(json.loads(request.content)["input"])
        return _embedding_response([[1.0, float(i)] for i in range(size)], order=list(range(size)))

    with respx.mock(base_url=OPENAI_BASE_URL, assert_all_called=True) as router:
        route = router.post("/embeddings").mock(side_effect=answer)
        vectors = OpenAIEmbedder(openai_client(router), "m", dimensions=2).embed(texts)

    assert [len(json.loads(c.request.content)["input"]) for c in route.calls] == [256, 44]
    assert vectors.shape == (300, 2)
    assert np.allclose(vectors[255], np.array([1.0, 255.0]) / np.hypot(1.0, 255.0))
    assert np.allclose(vectors[256], [1.0, 0.0])


def test_openai_embedder_refuses_vectors_of_the_wrong_size() -> None:
    with respx.mock(base_url=OPENAI_BASE_URL, assert_all_called=True) as router:
        router.post("/embeddings").mock(return_value=_embedding_response([[1.0, 0.0]], order=[0]))
        embedder = OpenAIEmbedder(openai_client(router), "text-embedding-3-small")

        with pytest.raises(ConfigurationError, match="expected 1536"):
            embedder.embed([DELAY])


def test_openai_embedder_without_key_or_endpoint_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="OPENAI_API_KEY"):
        OpenAIEmbedder.from_settings(None, None)
