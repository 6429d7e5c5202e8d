"""Record and replay of model exchanges: an HTTP transport under the SDK that writes each
request's body digest and the response's bytes to a JSON Lines cassette, or answers from
one, byte for byte, without the endpoint.

A request is matched by method, path and the SHA-256 of its body (headers vary between
runs, bodies do not); identical requests are answered in the order they were recorded.
"""

from __future__ import annotations

import base64
import hashlib
import json
import threading
from collections import defaultdict, deque
from pathlib import Path
from typing import Literal

import httpx2

CassetteMode = Literal["record", "replay"]

_DROPPED_HEADERS = frozenset({"content-encoding", "content-length", "transfer-encoding"})
"""The body is stored decoded; these would describe the wire form."""


class CassetteMissError(RuntimeError):
    """Replay met a request the cassette does not hold (the code or prompt changed)."""


def _key(request: httpx2.Request) -> str:
    digest = hashlib.sha256(request.read()).hexdigest()
    return f"{request.method} {request.url.path} {digest}"


class CassetteTransport(httpx2.BaseTransport):
    """``record``: send through ``inner`` and append each exchange to ``path``;
    ``replay``: answer from ``path`` and never touch the network."""

    def __init__(
        self,
        path: Path,
        mode: CassetteMode,
        inner: httpx2.BaseTransport | None = None,
    ) -> None:
        self.path = path
        self.mode = mode
        self._inner = inner if inner is not None else httpx2.HTTPTransport()
        self._lock = threading.Lock()
        self._answers: dict[str, deque[dict[str, object]]] = defaultdict(deque)
        if mode == "replay":
            for line in path.read_text(encoding="utf-8").splitlines():
                if line.strip():
                    entry = json.loads(line)
                    self._answers[entry["key"]].append(entry["response"])

    def handle_request(self, request: httpx2.Request) -> httpx2.Response:
        """The recorded answer (replay) or the endpoint's, recorded (record)."""
        key = _key(request)
        if self.mode == "replay":
            with self._lock:
                queue = self._answers.get(key)
                stored = queue.popleft() if queue else None
            if stored is None:
                raise CassetteMissError(f"the cassette {self.path} holds no answer to {key}")
            return httpx2.Response(
                int(str(stored["status"])),
                headers=[tuple(pair) for pair in stored["headers"]],  # type: ignore[attr-defined]
                content=base64.b64decode(str(stored["body"])),
                request=request,
            )
        response = self._inner.handle_request(request)
        body = response.read()
        entry = {
            "key": key,
            "response": {
                "status": response.status_code,
                "headers": [
                    [name, value]
                    for name, value in response.headers.multi_items()
                    if name.lower() not in _DROPPED_HEADERS
                ],
                "body": base64.b64encode(body).decode("ascii"),
            },
        }
        with self._lock, self.path.open("a", encoding="utf-8") as cassette:
            cassette.write(json.dumps(entry, sort_keys=True) + "\n")
        return httpx2.Response(
            response.status_code,
            headers=[
                (k, v)
                for k, v in response.headers.multi_items()
                if k.lower() not in _DROPPED_HEADERS
            ],
            content=body,
            request=request,
        )

    def close(self) -> None:
        """Close the inner transport."""
        self._inner.close()
