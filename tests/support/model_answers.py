"""A stand-in for an OpenAI-compatible endpoint that answers each agent with a valid
structured output, chosen by the schema the request asks for. Used by workflow tests
(behind respx) and by the model-engine benchmark (behind a real HTTP server)."""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from itertools import count
from typing import Any

Answer = Callable[[dict[str, Any]], dict[str, Any]]
"""An agent's answer to a request body: the JSON object it returns."""

_IDS = count(1)


def schema_of(body: Mapping[str, Any]) -> str:
    """The structured output a request asks for (its schema's name), or ``""``."""
    response_format = body.get("response_format") or {}
    if response_format.get("type") == "json_schema":
        return str(response_format["json_schema"]["name"])
    system = next((m["content"] for m in body["messages"] if m["role"] == "system"), "")
    for name in ("ClassifierAnswer", "ExtractorAnswer", "RecommenderAnswer", "DrafterAnswer"):
        if f"({name})" in system:
            return name
    return ""


def first_fact_ids(body: Mapping[str, Any]) -> list[str]:
    """The ids of the facts offered in a drafter request."""
    text = next(m["content"] for m in body["messages"] if m["role"] == "user")
    framed = text.split('<untrusted kind="facts">\n', 1)[1].split("\n</untrusted>", 1)[0]
    return [fact["id"] for fact in json.loads(framed)]


def classify_as(category: str, confidence: float = 0.9) -> Answer:
    """A classifier that always names ``category``."""
    return lambda body: {
        "category": category,
        "confidence": confidence,
        "rationale": "stand-in",
    }


def rank_first() -> Answer:
    """A recommender that keeps the first option."""
    return lambda body: {
        "ranking": [{"option": 1, "rationale": "stand-in: the first option"}],
        "rationale": "stand-in",
    }


def draft_with(subject: str, body_text: str, *, all_facts: bool = False) -> Answer:
    """A drafter that writes ``body_text``; naming every fact offered when ``all_facts``."""
    return lambda body: {
        "subject": subject,
        "body": body_text,
        "facts_used": first_fact_ids(body) if all_facts else [],
    }


def read_nothing() -> Answer:
    """An extractor that reads an unknown document with no fields."""
    return lambda body: {
        "doc_type": "unknown",
        **dict.fromkeys(
            (
                "po_number",
                "invoice_number",
                "shipment_id",
                "ship_date",
                "document_date",
                "carrier",
                "tracking_number",
                "bill_of_lading_number",
                "currency",
                "total_amount",
            )
        ),
        "lines": [],
        "confidence": 0.5,
        "warnings": [],
    }


DEFAULT_ANSWERS: dict[str, Answer] = {
    "ClassifierAnswer": classify_as("customer_inquiry"),
    "ExtractorAnswer": read_nothing(),
    "RecommenderAnswer": rank_first(),
    "DrafterAnswer": draft_with(
        "About your order", "Thank you for your message; we are looking into it.", all_facts=False
    ),
}


def chat_completion(body: Mapping[str, Any], answers: Mapping[str, Answer]) -> dict[str, Any]:
    """The Chat Completions body answering ``body`` with its agent's answer."""
    schema = schema_of(body)
    content = json.dumps(answers[schema](dict(body)))
    return {
        "id": f"chatcmpl-standin-{next(_IDS)}",
        "object": "chat.completion",
        "created": 1_767_225_600,
        "model": str(body.get("model", "stand-in")),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content, "refusal": None},
                "finish_reason": "stop",
                "logprobs": None,
            }
        ],
        "usage": {"prompt_tokens": 100, "completion_tokens": 20, "total_tokens": 120},
    }
