"""When a request that got no answer is sent again: bounded retries, exponential backoff
with jitter, a 429's ``retry-after`` honoured, never past the run's deadline."""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from exdesk.errors import ModelRateLimitError, ModelUnavailableError


@dataclass(frozen=True)
class RetryPolicy:
    """How often and how long to wait before resending a request that got no answer
    (timeout, connection error, 429, 5xx). Other failures are not retried here."""

    max_retries: int = 2
    """Resends after the first attempt."""
    backoff_seconds: float = 0.5
    """The first wait; doubled for each further retry."""
    max_backoff_seconds: float = 20.0
    jitter: float = 0.25
    """The wait is stretched by up to this fraction, at random, so callers spread out."""
    sleep: Callable[[float], None] = field(default=time.sleep, repr=False)
    """Waits (tests pass a recorder)."""
    uniform: Callable[[], float] = field(default=random.random, repr=False)
    """A number in [0, 1) for the jitter (tests pass a constant)."""

    def wait_before(self, retry: int, error: ModelUnavailableError) -> float:
        """Seconds to wait before retry number ``retry`` (1-based) after ``error``: the
        server's ``retry-after`` when a 429 gives one, else backoff with jitter."""
        if isinstance(error, ModelRateLimitError) and error.retry_after_seconds is not None:
            return float(error.retry_after_seconds)
        base: float = min(self.max_backoff_seconds, self.backoff_seconds * 2.0 ** (retry - 1))
        return base * (1 + self.jitter * self.uniform())
