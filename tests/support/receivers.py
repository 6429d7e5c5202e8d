"""Local receivers standing in for the systems outbox messages go to: a webhook endpoint
(HTTP on 127.0.0.1) that records what it got and answers what the test scripts."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any


@dataclass
class Received:
    """One request the receiver got."""

    headers: dict[str, str]
    body: bytes

    @property
    def document(self) -> Any:
        """The JSON body."""
        return json.loads(self.body)


@dataclass
class WebhookReceiver:
    """Records every request; answers ``statuses`` in turn, then 200."""

    url: str
    statuses: list[int] = field(default_factory=list)
    received: list[Received] = field(default_factory=list)
    lock: threading.Lock = field(default_factory=threading.Lock)

    def by_key(self) -> dict[str, int]:
        """How many times each idempotency key arrived."""
        counts: dict[str, int] = {}
        with self.lock:
            for request in self.received:
                key = request.headers.get("idempotency-key", "")
                counts[key] = counts.get(key, 0) + 1
        return counts


@contextmanager
def webhook_receiver() -> Iterator[WebhookReceiver]:
    """A receiver on a free port of 127.0.0.1 for the block's duration."""
    state = WebhookReceiver(url="")

    class Handler(BaseHTTPRequestHandler):
        disable_nagle_algorithm = True  # as real receivers do: no delayed-ACK wait per reply

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            with state.lock:
                state.received.append(
                    Received({k.lower(): v for k, v in self.headers.items()}, body)
                )
                status = state.statuses.pop(0) if state.statuses else 200
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.end_headers()
            self.wfile.write(b'{"ok": true}' if status < 300 else b'{"error": "scripted"}')

        def log_message(self, format: str, *args: Any) -> None:
            return

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    state.url = f"http://127.0.0.1:{server.server_address[1]}/hook"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield state
    finally:
        server.shutdown()
        server.server_close()
