"""A stand-in for an OpenAI-compatible endpoint that answers each agent with a valid
structured output, chosen by the schema the request asks for: behind respx in the
workflow tests, and as a real HTTP server (:class:`StandInServer`) in the model-engine
benchmark."""

from __future__ import annotations

import json
import threading
import time
from collections.abc import Callable, Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
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


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    request_queue_size = 256
    """Many clients connect at once (a benchmark's first burst)."""


class StandInServer:
    """A real HTTP server speaking the Chat Completions API on 127.0.0.1: every request is
    answered with its agent's valid structured output after ``delay`` seconds, many at once
    (one thread per request). Counts the requests it answered.

    Not for pytest (the tests refuse real HTTP); for benchmarks and manual runs::

        with StandInServer(delay=0.8) as server:
            ... OPENAI_BASE_URL=server.base_url ...
    """

    def __init__(
        self, delay: float = 0.8, answers: Mapping[str, Answer] | None = None, port: int = 0
    ) -> None:
        self.delay = delay
        self.answers = {**DEFAULT_ANSWERS, **(answers or {})}
        self.requests = 0
        self._lock = threading.Lock()
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            disable_nagle_algorithm = True
            """As model servers do (uvicorn sets TCP_NODELAY): with Nagle on, the body,
            written after the headers, waits for the client's delayed ACK — 40 ms a reply."""

            def do_POST(self) -> None:
                length = int(self.headers.get("content-length", "0"))
                body = json.loads(self.rfile.read(length))
                time.sleep(server.delay)
                payload = json.dumps(chat_completion(body, server.answers)).encode()
                with server._lock:
                    server.requests += 1
                self.send_response(200)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def do_GET(self) -> None:
                """``/stats``: how many requests were answered (for a bench in another
                process)."""
                with server._lock:
                    payload = json.dumps({"requests": server.requests}).encode()
                self.send_response(200 if self.path == "/stats" else 404)
                self.send_header("content-type", "application/json")
                self.send_header("content-length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def log_message(self, format: str, *args: Any) -> None:
                return

        self._http = _Server(("127.0.0.1", port), Handler)
        self._thread = threading.Thread(target=self._http.serve_forever, daemon=True)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:<port>/v1``."""
        return f"http://127.0.0.1:{self._http.server_address[1]}/v1"

    def __enter__(self) -> StandInServer:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._http.shutdown()
        self._http.server_close()


def main() -> None:
    """Serve the stand-in on 127.0.0.1 until stopped; print its base URL first.

    ``python -m tests.support.openai_standin [--delay 0.8] [--port 0]``: a bench runs it in
    a process of its own, so that answering costs the measured process nothing.
    """
    import argparse

    parser = argparse.ArgumentParser(description="Serve the OpenAI-compatible stand-in.")
    parser.add_argument("--delay", type=float, default=0.8, help="seconds per answer")
    parser.add_argument("--port", type=int, default=0)
    args = parser.parse_args()
    with StandInServer(delay=args.delay, port=args.port) as server:
        print(server.base_url, flush=True)
        threading.Event().wait()


if __name__ == "__main__":
    main()
