"""Stored network documents validated once per process, not once per case that reads them.

Every case run reads its surroundings from the network tables: the warehouses, the lanes
into its region, the SKUs and their stock, its customer and order. Most of those documents
are the ones the case before read, and validating them again was the largest share of a
local run's own work. A document is looked up by its text as stored (tenant included):
the same text always validates to the same object, so the cache is never stale — a changed
document is different text, validated when first read. The objects it hands out are shared,
so they are frozen (``exdesk.domain.network.NetworkObject``).
"""

from __future__ import annotations

import threading
from typing import TypeVar, cast

from pydantic import BaseModel

ModelT = TypeVar("ModelT", bound=BaseModel)

CAPACITY = 8_192
"""Documents kept per process (a few kilobytes each); the oldest is dropped first."""


class ValidatedDocuments:
    """Validated objects by (model, stored JSON text), at most ``capacity`` of them."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        if capacity < 1:
            raise ValueError("keep at least one document")
        self._capacity = capacity
        self._by_text: dict[tuple[type[BaseModel], str], BaseModel] = {}
        self._adding = threading.Lock()

    def read(self, model: type[ModelT], text: str) -> ModelT:
        """``model`` validated from ``text``: the object validated before for this text,
        else validated now (a ``ValidationError`` is raised as by ``model_validate_json``)."""
        key = (model, text)
        found = self._by_text.get(key)
        if found is None:
            found = model.model_validate_json(text)
            with self._adding:  # a lookup needs no lock; dropping the oldest does
                if len(self._by_text) >= self._capacity:
                    del self._by_text[next(iter(self._by_text))]
                self._by_text[key] = found
        return cast(ModelT, found)

    def __len__(self) -> int:
        return len(self._by_text)


DOCUMENTS = ValidatedDocuments()
"""The process's one cache, shared by every connection and thread."""
