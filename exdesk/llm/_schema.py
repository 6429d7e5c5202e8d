"""JSON schemas from pydantic models, in the strict subset structured outputs accept."""

from __future__ import annotations

import functools
import re
from typing import Any

from pydantic import BaseModel

_SCHEMA_NAME = re.compile(r"[^A-Za-z0-9_-]")

GRAMMAR_MAX_LENGTH = 1_000
"""The longest ``maxLength`` sent to a server that compiles the schema into a sampling
grammar (llama-cpp-python 0.3): llama.cpp writes a bound of n characters as n nested
optional rules and refuses the grammar past a few thousand, after which that server's
process dies. A longer bound is left out of what is sent, and checked here only, when the
answer is validated."""


@functools.cache
def strict_json_schema(model: type[BaseModel]) -> dict[str, Any]:
    """``model``'s JSON schema made strict: every object closed (``additionalProperties:
    false``) with every property required, ``$ref``s with siblings inlined, ``None``
    defaults dropped.

    Strict mode has no optional keys; an optional field is a required, nullable one (the
    model writes ``null``), which validates back into the pydantic model unchanged.

    Made once per model (pydantic takes milliseconds to generate one, and every model
    request sends its output's and its tools' schemas): the same dict is returned each
    time, so a caller that needs it changed changes a copy (as ``grammar_schema`` does).
    """
    schema = model.model_json_schema()
    return _strict(schema, root=schema)


def schema_name(model: type[BaseModel]) -> str:
    """A name the API accepts for ``model``'s schema (``[A-Za-z0-9_-]{1,64}``)."""
    return _SCHEMA_NAME.sub("_", model.__name__)[:64] or "output"


def _strict(node: dict[str, Any], *, root: dict[str, Any]) -> dict[str, Any]:
    for key in ("$defs", "definitions"):
        for name, definition in node.get(key, {}).items():
            node[key][name] = _strict(definition, root=root)
    if node.get("type") == "object":
        node.setdefault("additionalProperties", False)
    properties = node.get("properties")
    if isinstance(properties, dict):
        node["properties"] = {k: _strict(v, root=root) for k, v in properties.items()}
        node["required"] = list(properties)
    if isinstance(node.get("items"), dict):
        node["items"] = _strict(node["items"], root=root)
    if isinstance(node.get("additionalProperties"), dict):
        node["additionalProperties"] = _strict(node["additionalProperties"], root=root)
    for key in ("anyOf", "oneOf", "allOf"):
        if isinstance(node.get(key), list):
            node[key] = [_strict(variant, root=root) for variant in node[key]]
    if len(node.get("allOf", ())) == 1:
        node.update(node.pop("allOf")[0])
    if "default" in node and node["default"] is None:
        del node["default"]
    ref = node.get("$ref")
    if isinstance(ref, str) and len(node) > 1:
        # Structured outputs reject a $ref with sibling keywords (a description, say).
        del node["$ref"]
        return _strict({**_resolve(root, ref), **node}, root=root)
    return node


def _resolve(root: dict[str, Any], ref: str) -> dict[str, Any]:
    if not ref.startswith("#/"):
        raise ValueError(f"cannot resolve the JSON-schema reference {ref!r}")
    node: Any = root
    for part in ref[2:].split("/"):
        node = node[part]
    if not isinstance(node, dict):
        raise ValueError(f"the JSON-schema reference {ref!r} is not an object")
    return dict(node)


def grammar_schema(schema: dict[str, Any]) -> dict[str, Any]:
    """``schema`` as sent to a server that samples by it (a copy; ``schema`` is unchanged):
    every ``maxLength`` above :data:`GRAMMAR_MAX_LENGTH` and every ``pattern`` left out.

    llama-cpp-python 0.3 turns a pattern's escaped character (``\\.``) into an escape its
    grammar parser refuses, and its server process dies on it; what is left out is checked
    here, when the answer is validated."""
    return {
        key: _grammar_value(value)
        for key, value in schema.items()
        if not _left_out(key, value, schema)
    }


def _left_out(key: str, value: Any, node: dict[str, Any]) -> bool:
    if key == "maxLength":
        return isinstance(value, int) and value > GRAMMAR_MAX_LENGTH
    return key == "pattern" and isinstance(value, str) and node.get("type") == "string"


def _grammar_value(value: Any) -> Any:
    if isinstance(value, dict):
        return grammar_schema(value)
    if isinstance(value, list):
        return [_grammar_value(item) for item in value]
    return value
