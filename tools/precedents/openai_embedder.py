"""Embeddings from any OpenAI-compatible endpoint, through the ``openai`` SDK."""

from __future__ import annotations

import threading
from collections.abc import Sequence

import numpy as np
from openai import OpenAI

from exdesk.errors import ConfigurationError
from exdesk.llm import DEFAULT_TIMEOUT_SECONDS, openai_client
from exdesk.tools.precedents.embedder import Vectors, check_embedder_name, l2_normalise

KNOWN_DIMENSIONS: dict[str, int] = {
    "text-embedding-3-small": 1536,
    "text-embedding-3-large": 3072,
    "text-embedding-ada-002": 1536,
}
"""Native output sizes of OpenAI's embedding models (used when no dimension is configured)."""

BATCH_SIZE = 256
"""Texts per request: well under the API's 2,048 inputs and its per-request token limit."""

MAX_CHARS = 8_000
"""Characters of one text sent (≈2k tokens, far below the 8,191-token input limit)."""


class OpenAIEmbedder:
    """``client.embeddings.create`` in batches; vectors re-normalised to unit length.

    ``dimensions`` asks a ``text-embedding-3-*`` model for shorter vectors. Without it the
    dimension is the model's known native size, or — for another model on a compatible
    endpoint — whatever the first response holds (``dim`` then makes one probe request).
    """

    def __init__(
        self, client: OpenAI, model: str = "text-embedding-3-small", dimensions: int | None = None
    ) -> None:
        check_embedder_name(f"openai-{model.lower()}-1")
        self._client = client
        self.model = model
        """The embedding model asked for."""
        self._requested = dimensions
        self._dim: int | None = dimensions or KNOWN_DIMENSIONS.get(model)
        self._lock = threading.Lock()

    @classmethod
    def from_settings(
        cls,
        api_key: str | None,
        base_url: str | None,
        model: str = "text-embedding-3-small",
        dimensions: int | None = None,
        timeout_seconds: float = DEFAULT_TIMEOUT_SECONDS,
    ) -> OpenAIEmbedder:
        """An embedder with its own client (see :func:`exdesk.llm.openai_client`: no SDK
        retries)."""
        client = openai_client(api_key=api_key, base_url=base_url, timeout_seconds=timeout_seconds)
        return cls(client, model, dimensions)

    @property
    def dim(self) -> int:
        """The vectors' dimension (one probe request when it is not known beforehand)."""
        if self._dim is None:
            self.embed(["dimension probe"])
        assert self._dim is not None
        return self._dim

    @property
    def name(self) -> str:
        """``openai-<model>-<dim>``."""
        return check_embedder_name(f"openai-{self.model.lower()}-{self.dim}")

    def embed(self, texts: Sequence[str]) -> Vectors:
        """Unit vectors in input order; ConfigurationError if the size is not the expected."""
        rows: list[list[float]] = []
        for start in range(0, len(texts), BATCH_SIZE):
            batch = [text[:MAX_CHARS] or " " for text in texts[start : start + BATCH_SIZE]]
            if self._requested is None:
                response = self._client.embeddings.create(
                    input=batch, model=self.model, encoding_format="float"
                )
            else:
                response = self._client.embeddings.create(
                    input=batch,
                    model=self.model,
                    dimensions=self._requested,
                    encoding_format="float",
                )
            ordered = sorted(response.data, key=lambda item: item.index)
            if len(ordered) != len(batch):
                raise ConfigurationError(
                    f"the embeddings endpoint answered {len(ordered)} vectors for {len(batch)} "
                    "texts"
                )
            rows.extend(item.embedding for item in ordered)
        if not rows:
            return np.zeros((0, self._dim or 0), dtype=np.float32)
        self._check_dimension({len(row) for row in rows})
        return l2_normalise(np.asarray(rows, dtype=np.float32))

    def _check_dimension(self, sizes: set[int]) -> None:
        with self._lock:
            if self._dim is None and len(sizes) == 1:
                self._dim = next(iter(sizes))
        if sizes != {self._dim}:
            raise ConfigurationError(
                f"model {self.model} returned vectors of size {sorted(sizes)}, expected "
                f"{self._dim}; set the dimension to what the model produces"
            )
