"""Strict JSON schemas from pydantic models: every object closed, every key required,
``$ref`` with siblings inlined; what validates back into the model."""

from __future__ import annotations

from typing import Any

from pydantic import BaseModel, Field

from exdesk.llm import OutputSchema, strict_json_schema
from tests.llm.support import Triage


class Line(BaseModel):
    sku: str
    qty: int = Field(ge=0)


class Extraction(BaseModel):
    lines: list[Line]
    note: str | None = None
    primary: Line = Field(description="The line the document is about.")


def _objects(node: Any) -> list[dict[str, Any]]:
    if isinstance(node, list):
        return [found for item in node for found in _objects(item)]
    if not isinstance(node, dict):
        return []
    own = [node] if node.get("type") == "object" else []
    return own + [found for value in node.values() for found in _objects(value)]


def test_every_object_is_closed_and_requires_all_its_keys() -> None:
    schema = strict_json_schema(Extraction)

    objects = _objects(schema)
    assert len(objects) >= 2
    for node in objects:
        assert node["additionalProperties"] is False
        assert node["required"] == list(node["properties"])


def test_a_described_reference_is_inlined_and_a_none_default_dropped() -> None:
    schema = strict_json_schema(Extraction)

    primary = schema["properties"]["primary"]
    assert "$ref" not in primary
    assert primary["description"] == "The line the document is about."
    assert primary["properties"]["qty"]["minimum"] == 0
    assert schema["properties"]["lines"]["items"] == {"$ref": "#/$defs/Line"}
    assert "default" not in schema["properties"]["note"]
    assert {"type": "null"} in schema["properties"]["note"]["anyOf"]


def test_a_strict_answer_with_nulls_validates_into_the_model() -> None:
    answer = '{"category":"other","confidence":0.1,"rationale":"-","carrier":null}'

    parsed = OutputSchema(Triage).parse(answer)

    assert parsed == Triage(category="other", confidence=0.1, rationale="-")
    assert OutputSchema(Triage).name == "Triage"
