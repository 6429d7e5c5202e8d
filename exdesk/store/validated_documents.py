"""Stored network documents validated once per process, not once per case that reads them.

Every case run reads its surroundings from the network tables: the warehouses, the lanes
into its region, the SKUs and their stock, its customer and order. Most of those documents
are the ones the case before read, and validating them again was the largest share of a
local run's own work. A document is looked up by its text as stored (tenant included):
the same text always validates to the same object, so the cache is never stale — a changed
document is different text, validated when first read. The objects it hands out are shared,
so they are frozen (``exdesk.domain.network.NetworkObject``); so is the JSON dump of each,
made once, when a case's context first holds it (:meth:`ValidatedDocuments.json_of`).
"""

from __future__ import annotations

import threading
from typing import Any, TypeVar, cast

from pydantic import BaseModel

ModelT = TypeVar("ModelT", bound=BaseModel)


class _Held:
    """One validated document, and its JSON dump once made."""

    __slots__ = ("document", "dump")

    def __init__(self, document: BaseModel) -> None:
        self.document = document
        self.dump: dict[str, Any] | None = None


def _dump_of(held: _Held) -> dict[str, Any]:
    if held.dump is None:  # two threads may both make it: the same dump either way
        held.dump = held.document.model_dump(mode="json")
    return held.dump


CAPACITY = 8_192
"""Documents kept per process (a few kilobytes each); the oldest is dropped first."""


class ValidatedDocuments:
    """Validated objects by (model, stored JSON text), at most ``capacity`` of them."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        if capacity < 1:
            raise ValueError("keep at least one document")
        self._capacity = capacity
        self._by_text: dict[tuple[type[BaseModel], str], _Held] = {}
        self._by_id: dict[int, _Held] = {}
        """The same entries by their document's id (which is not reused while it is held)."""
        self._adding = threading.Lock()

    def read(self, model: type[ModelT], text: str) -> ModelT:
        """``model`` validated from ``text``: the object validated before for this text,
        else validated now (a ``ValidationError`` is raised as by ``model_validate_json``)."""
        key = (model, text)
        held = self._by_text.get(key)
        if held is None:
            held = _Held(model.model_validate_json(text))
            with self._adding:  # a lookup needs no lock; dropping the oldest does
                if len(self._by_text) >= self._capacity:
                    dropped = self._by_text.pop(next(iter(self._by_text)))
                    self._by_id.pop(id(dropped.document), None)
                self._by_text[key] = held
                self._by_id[id(held.document)] = held
        return cast(ModelT, held.document)

    def json_of(self, document: BaseModel) -> dict[str, Any]:
        """``document.model_dump(mode="json")``: made once for a document this cache holds
        and then shared like the document (read it, never change it); made anew for any
        other object."""
        held = self._held(document)
        return document.model_dump(mode="json") if held is None else _dump_of(held)

    def _held(self, value: object) -> _Held | None:
        held = self._by_id.get(id(value))
        return held if held is not None and held.document is value else None

    def json_dump(self, model: BaseModel) -> dict[str, Any]:
        """``model.model_dump(mode="json")``, the parts that are documents this cache holds
        (a field's value, or every item of a list) being their shared dumps
        (:meth:`json_of`); pydantic dumps the rest. What a case's state holds of its
        context, and what the recommender's step hashes of its request."""
        fields = type(model).model_fields
        shared: dict[str, Any] = {}
        for name in fields:
            value = getattr(model, name)
            if (held := self._held(value)) is not None:
                shared[name] = _dump_of(held)
            elif isinstance(value, list) and value:
                items = [self._held(item) for item in value]
                if all(item is not None for item in items):
                    shared[name] = [_dump_of(item) for item in items if item is not None]
        rest = (
            model.model_dump(mode="json", exclude=set(shared)) if len(shared) < len(fields) else {}
        )
        return {name: shared[name] if name in shared else rest[name] for name in fields}

    def __len__(self) -> int:
        return len(self._by_text)


DOCUMENTS = ValidatedDocuments()
"""The process's one cache, shared by every connection and thread."""
