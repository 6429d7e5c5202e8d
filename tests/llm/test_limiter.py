"""Per-endpoint limits: never more requests in flight than allowed, however many threads
ask; a request that gets no slot before its timeout fails as a timeout; one limiter per
endpoint, shared by every agent on it."""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import pytest
from pydantic import BaseModel

from exdesk.errors import ModelTimeoutError
from exdesk.llm import (
    EndpointLimiter,
    EndpointLimits,
    LimitedModel,
    ModelRequest,
    ModelResponse,
    ModelSettings,
    UserMessage,
    endpoint_limiter,
)

OutputT = TypeVar("OutputT", bound=BaseModel)


class SlowModel:
    """Answers after ``delay`` seconds, counting calls in flight."""

    model_name = "slow"
    provider_name = "test"
    server_address = "127.0.0.1"
    server_port = 9

    def __init__(self, delay: float) -> None:
        self.delay = delay
        self.in_flight = 0
        self.most = 0
        self._lock = threading.Lock()

    def request(self, request: ModelRequest[OutputT]) -> ModelResponse[OutputT]:
        with self._lock:
            self.in_flight += 1
            self.most = max(self.most, self.in_flight)
        time.sleep(self.delay)
        with self._lock:
            self.in_flight -= 1
        return ModelResponse(text="ok")


def ask(timeout: float = 5.0) -> ModelRequest[BaseModel]:
    return ModelRequest([UserMessage("hi")], settings=ModelSettings(timeout_seconds=timeout))


def test_no_more_requests_in_flight_than_allowed() -> None:
    slow = SlowModel(0.05)
    model = LimitedModel(slow, EndpointLimiter(EndpointLimits(max_in_flight=3)))

    with ThreadPoolExecutor(max_workers=12) as pool:
        answers = list(pool.map(lambda _: model.request(ask()), range(24)))

    assert len(answers) == 24
    assert slow.most == 3


def test_a_request_without_a_free_slot_in_time_is_a_timeout() -> None:
    limiter = EndpointLimiter(EndpointLimits(max_in_flight=1))
    assert limiter.acquire(1.0)
    model = LimitedModel(SlowModel(0.0), limiter)

    with pytest.raises(ModelTimeoutError, match="no free slot"):
        model.request(ask(timeout=0.05))


def test_requests_per_minute_are_counted_over_a_sliding_minute() -> None:
    limiter = EndpointLimiter(EndpointLimits(max_in_flight=10, requests_per_minute=2))

    assert limiter.acquire(0.1)
    limiter.release()
    assert limiter.acquire(0.1)
    limiter.release()
    started = time.monotonic()
    assert not limiter.acquire(0.3)
    assert time.monotonic() - started < 1.0


def test_every_agent_on_one_endpoint_shares_its_limiter() -> None:
    limits = EndpointLimits(max_in_flight=4)

    assert endpoint_limiter("llm:443", limits) is endpoint_limiter("llm:443", limits)
    assert endpoint_limiter("llm:443", limits) is not endpoint_limiter("other:443", limits)
