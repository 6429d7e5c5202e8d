"""Rate limits: a token bucket per API key, and one per client address for failed
authentication. In-process (each API process keeps its own buckets)."""

from __future__ import annotations

import math
import threading
import time
from dataclasses import dataclass, field

from exdesk.errors import RateLimitedError
from exdesk.settings import Settings

_MAX_TRACKED = 100_000
"""Buckets kept at most; the fullest (the idle ones) are forgotten first beyond it."""


@dataclass
class TokenBuckets:
    """One bucket per name: ``burst`` tokens, refilled at ``per_second``; a request takes one."""

    per_second: float
    burst: int
    _buckets: dict[str, tuple[float, float]] = field(default_factory=dict)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def wait_seconds(self, name: str, *, take: bool = True) -> float:
        """0 when ``name`` may go on (taking a token if ``take``), else how long to wait."""
        now = time.monotonic()
        with self._lock:
            tokens, at = self._buckets.get(name, (float(self.burst), now))
            tokens = min(float(self.burst), tokens + (now - at) * self.per_second)
            if tokens < 1:
                self._buckets[name] = (tokens, now)
                return (1 - tokens) / self.per_second
            self._buckets[name] = (tokens - 1 if take else tokens, now)
            if len(self._buckets) > _MAX_TRACKED:
                self._forget_full(now)
            return 0.0

    def _forget_full(self, now: float) -> None:
        full = [
            name
            for name, (tokens, at) in self._buckets.items()
            if tokens + (now - at) * self.per_second >= self.burst
        ]
        for name in full:
            del self._buckets[name]


@dataclass
class RateLimits:
    """The API's limits: requests per key, failed authentications per client address."""

    per_key: TokenBuckets
    failed_auth: TokenBuckets

    @classmethod
    def from_settings(cls, settings: Settings) -> RateLimits:
        """The limits the settings configure."""
        per_minute = settings.failed_auth_per_minute
        return cls(
            TokenBuckets(settings.rate_limit_per_second, settings.rate_limit_burst),
            TokenBuckets(per_minute / 60.0, per_minute),
        )

    def check_address(self, address: str) -> None:
        """RateLimitedError while ``address`` has used up its failed authentications."""
        wait = self.failed_auth.wait_seconds(address, take=False)
        if wait:
            raise RateLimitedError(
                "too many failed authentications from this address; try again later",
                math.ceil(wait),
            )

    def note_failure(self, address: str) -> None:
        """Count one failed authentication of ``address``."""
        self.failed_auth.wait_seconds(address)

    def take(self, key_id: str) -> None:
        """Count one request of key ``key_id``; RateLimitedError beyond its rate."""
        wait = self.per_key.wait_seconds(key_id)
        if wait:
            raise RateLimitedError(
                "too many requests with this API key; slow down", math.ceil(wait)
            )
