"""Strict JSON schemas from pydantic models: every object closed, every key required,
``$ref`` with siblings inlined; what validates back into the model."""

from __future__ import annotations

import json
from typing import Any

import pytest
from pydantic import BaseModel, Field

from exdesk.llm import InvalidOutputError, OutputSchema, strict_json_schema
from exdesk.llm._schema import GRAMMAR_MAX_LENGTH, grammar_schema
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


class Letter(BaseModel):
    subject: str = Field(max_length=200)
    amount: str | None = Field(default=None, pattern=r"^-?[0-9]+(\.[0-9]+)?$")
    body: str = Field(min_length=1, max_length=6_000)
    notes: list[Line] = Field(default_factory=list)


def test_a_grammar_schema_leaves_out_only_the_bounds_a_grammar_cannot_hold() -> None:
    schema = strict_json_schema(Letter)

    sent = grammar_schema(schema)

    assert GRAMMAR_MAX_LENGTH < 6_000
    assert "maxLength" not in sent["properties"]["body"]
    assert sent["properties"]["body"]["minLength"] == 1
    assert sent["properties"]["subject"]["maxLength"] == 200
    assert sent["properties"]["notes"] == schema["properties"]["notes"]
    assert "pattern" not in json.dumps(sent["properties"]["amount"])
    assert schema["properties"]["body"]["maxLength"] == 6_000  # the original is unchanged


def test_a_bound_left_out_of_the_grammar_is_still_checked_on_the_answer() -> None:
    output = OutputSchema(Letter, mode="json_object_schema")
    answer = {"subject": "Your order", "amount": "12.50", "body": "Hello", "notes": []}
    assert output.parse(json.dumps(answer)).amount == "12.50"

    with pytest.raises(InvalidOutputError, match="does not match Letter at body"):
        output.parse(json.dumps({**answer, "body": "x" * 6_001}))
    with pytest.raises(InvalidOutputError, match="does not match Letter at amount"):
        output.parse(json.dumps({**answer, "amount": "12,50"}))
