"""Delivering one outbox message: claim it, send it through the tenant's connector once,
and record how it went — on the row, and (when final) in the case's decision log.

Delivery is at least once with an idempotency key: a crash between the send and the record
sends the same message again with the same ``Idempotency-Key`` (the outbox id), so the
receiver acts once. Failures worth another try back off exponentially with jitter; after
the last attempt the message is dead until a person replays it.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Literal

from psycopg import Connection
from psycopg.rows import DictRow

from exdesk.delivery.config import connector_for
from exdesk.delivery.connectors import Connector, Delivered, Failed, build_connector
from exdesk.domain import DeliverStep, OutboxMessage
from exdesk.errors import ConfigurationError
from exdesk.store import outbox as outbox_store
from exdesk.store.database import Database
from exdesk.store.decision_log import StepEntry, append_record
from exdesk.store.record_hashes import digest
from exdesk.telemetry import masked_attributes, tracer

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class RetrySchedule:
    """When to try again: ``base × 2^(attempt-1)`` seconds, capped, ± ``jitter``, or the
    receiver's ``Retry-After`` when it is longer; ``max_attempts`` in all."""

    max_attempts: int = 8
    base_seconds: float = 5.0
    cap_seconds: float = 3600.0
    jitter: float = 0.2

    def delay(self, attempt: int, rng: random.Random, retry_after: float | None = None) -> float:
        """Seconds to wait after failed attempt number ``attempt`` (1-based)."""
        backoff = min(self.cap_seconds, self.base_seconds * 2.0 ** (attempt - 1))
        backoff *= 1 + rng.uniform(-self.jitter, self.jitter)
        return max(backoff, retry_after or 0.0)


DeliveryOutcome = Literal["sent", "retrying", "dead", "waiting", "not_due"]
"""What one call did: delivered, will retry, gave up, waits for a connector, or found
nothing to do (already sent or dead, another worker's, or not due yet)."""


@dataclass(frozen=True)
class DeliveryResult:
    """The outcome of one call, and when to try again."""

    outbox_id: str
    outcome: DeliveryOutcome
    next_attempt_at: datetime | None = None


ConnectorFactory = Callable[..., Connector]


@dataclass
class Dispatcher:
    """Delivers outbox messages of every tenant; safe to share between threads."""

    db: Database
    schedule: RetrySchedule = field(default_factory=RetrySchedule)
    lease_seconds: float = 120.0
    """How long a claimed attempt may take before another worker may take it over."""
    connector: ConnectorFactory = build_connector
    rng: random.Random = field(default_factory=random.Random)

    def deliver(self, outbox_id: str) -> DeliveryResult:
        """Make one attempt at a due message and record its outcome."""
        with self.db.connection() as conn:
            claimed = outbox_store.claim(conn, outbox_id, self.lease_seconds)
        if claimed is None:
            return DeliveryResult(outbox_id, "not_due")
        tenant_id, message = claimed.tenant_id, claimed.message
        with self.db.connection() as conn:
            config = connector_for(conn, tenant_id, message.kind)
        if config is None:
            with self.db.connection() as conn:
                outbox_store.mark_waiting(
                    conn, outbox_id, f"no connector is configured for {message.kind}"
                )
            return DeliveryResult(outbox_id, "waiting")
        with tracer.start_as_current_span(
            f"deliver {message.kind}",
            attributes=masked_attributes(
                {"exdesk.outbox_id": outbox_id, "exdesk.case_id": message.case_id}
            ),
        ):
            try:
                outcome = self.connector(config).send(message, tenant_id)
            except ConfigurationError as error:  # a secret missing from the environment
                outcome = Failed(error.message, transient=True)
        return self._record(tenant_id, message, outcome)

    def _record(
        self, tenant_id: str, message: OutboxMessage, outcome: Delivered | Failed
    ) -> DeliveryResult:
        attempts = message.attempts + 1
        if isinstance(outcome, Delivered):
            with self.db.transaction() as conn:
                outbox_store.mark_sent(conn, message.outbox_id, outcome.response)
                self._chain(conn, tenant_id, message, attempts, "sent", outcome, None)
            return DeliveryResult(message.outbox_id, "sent")
        if outcome.transient and attempts < self.schedule.max_attempts:
            wait = self.schedule.delay(attempts, self.rng, outcome.retry_after_seconds)
            at = datetime.now(UTC) + timedelta(seconds=wait)
            with self.db.connection() as conn:
                outbox_store.mark_retrying(
                    conn, message.outbox_id, outcome.error, outcome.response, at
                )
            logger.info(
                "delivery of %s failed (%s); next try in %.0f s",
                message.outbox_id,
                outcome.error,
                wait,
            )
            return DeliveryResult(message.outbox_id, "retrying", at)
        with self.db.transaction() as conn:
            outbox_store.mark_dead(conn, message.outbox_id, outcome.error, outcome.response)
            self._chain(conn, tenant_id, message, attempts, "dead", outcome, outcome.error)
        logger.warning("delivery of %s gave up: %s", message.outbox_id, outcome.error)
        return DeliveryResult(message.outbox_id, "dead")

    @staticmethod
    def _chain(
        conn: Connection[DictRow],
        tenant_id: str,
        message: OutboxMessage,
        attempts: int,
        status: Literal["sent", "dead"],
        outcome: Delivered | Failed,
        error: str | None,
    ) -> None:
        """The final outcome, appended to the case's chain and anchored in the ledger."""
        step = DeliverStep(
            outbox_id=message.outbox_id,
            kind=message.kind,
            status=status,
            attempts=attempts,
            response=outcome.response,
            error=error,
        )
        append_record(
            conn,
            tenant_id,
            message.case_id,
            f"deliver:{message.outbox_id}:{attempts}",
            StepEntry(
                actor="system",
                inputs_digest=digest({"outbox_id": message.outbox_id, "attempts": attempts}),
                output=step,
            ),
            anchor="delivered" if status == "sent" else "delivery_failed",
        )
