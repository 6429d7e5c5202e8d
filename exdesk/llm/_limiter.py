"""Per-endpoint limits, shared by every agent that talks to the same endpoint: requests in
flight at once and requests started per minute. A request that cannot get a slot before
its own timeout fails as a timeout (the run's retries and fallback take over)."""

from __future__ import annotations

import threading
import time
from collections import deque
from dataclasses import dataclass

from exdesk.errors import ModelTimeoutError
from exdesk.llm._model import ModelClient, WrapperModel
from exdesk.llm._request import ModelRequest, OutputT
from exdesk.llm._response import ModelResponse


@dataclass(frozen=True)
class EndpointLimits:
    """What one endpoint accepts from this process."""

    max_in_flight: int = 32
    requests_per_minute: int | None = None


class EndpointLimiter:
    """A counting semaphore for requests in flight and a sliding one-minute window for
    requests started."""

    def __init__(self, limits: EndpointLimits) -> None:
        self.limits = limits
        self._slots = threading.BoundedSemaphore(limits.max_in_flight)
        self._lock = threading.Lock()
        self._started: deque[float] = deque()

    def acquire(self, timeout: float) -> bool:
        """Take a slot within ``timeout`` seconds; False when none came free in time."""
        deadline = time.monotonic() + timeout
        if not self._slots.acquire(timeout=max(0.0, timeout)):
            return False
        while self.limits.requests_per_minute is not None:
            with self._lock:
                now = time.monotonic()
                while self._started and now - self._started[0] >= 60.0:
                    self._started.popleft()
                if len(self._started) < self.limits.requests_per_minute:
                    self._started.append(now)
                    return True
                wait = 60.0 - (now - self._started[0])
            if now + wait > deadline:
                self._slots.release()
                return False
            time.sleep(min(wait, 0.25))
        return True

    def release(self) -> None:
        """Give the in-flight slot back."""
        self._slots.release()


_LIMITERS: dict[tuple[str, EndpointLimits], EndpointLimiter] = {}
_LIMITERS_LOCK = threading.Lock()


def endpoint_limiter(endpoint: str, limits: EndpointLimits) -> EndpointLimiter:
    """The process's one limiter for ``endpoint`` (its host and port) under ``limits``."""
    with _LIMITERS_LOCK:
        return _LIMITERS.setdefault((endpoint, limits), EndpointLimiter(limits))


class LimitedModel(WrapperModel):
    """Holds a slot of ``limiter`` for each call of ``wrapped``."""

    def __init__(self, wrapped: ModelClient, limiter: EndpointLimiter) -> None:
        super().__init__(wrapped)
        self.limiter = limiter

    def request(self, request: ModelRequest[OutputT]) -> ModelResponse[OutputT]:
        """The wrapped answer, once a slot is free (a timeout if none frees in time)."""
        timeout = request.settings.timeout_seconds or 60.0
        if not self.limiter.acquire(timeout):
            raise ModelTimeoutError(
                f"{request.agent}: no free slot to the model endpoint within {timeout:.1f} s "
                f"(EXDESK_OPENAI_MAX_IN_FLIGHT / EXDESK_OPENAI_REQUESTS_PER_MINUTE)",
                agent=request.agent,
                engine="openai",
                timeout_seconds=timeout,
            )
        try:
            return self.wrapped.request(request)
        finally:
            self.limiter.release()
