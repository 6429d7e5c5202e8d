"""Delivery of outbox messages to other systems and people: connectors (signed webhooks,
SMTP), each tenant's configuration, the dispatcher with retries and a dead-letter state,
and the signatures that verify inbound webhooks."""

from exdesk.delivery.config import (
    connector_for,
    connectors_of,
    inbound_secret_env,
    remember_signature,
    remove_connector,
    set_connector,
    set_inbound_secret,
)
from exdesk.delivery.connectors import (
    ConnectorConfig,
    Delivered,
    Failed,
    SmtpConfig,
    SmtpConnector,
    WebhookConfig,
    WebhookConnector,
    envelope,
)
from exdesk.delivery.dispatcher import DeliveryResult, Dispatcher, RetrySchedule
from exdesk.delivery.signing import (
    IDEMPOTENCY_HEADER,
    SIGNATURE_HEADER,
    Signature,
    SignatureError,
    sign,
    verify,
)

__all__ = [
    "IDEMPOTENCY_HEADER",
    "SIGNATURE_HEADER",
    "ConnectorConfig",
    "Delivered",
    "DeliveryResult",
    "Dispatcher",
    "Failed",
    "RetrySchedule",
    "Signature",
    "SignatureError",
    "SmtpConfig",
    "SmtpConnector",
    "WebhookConfig",
    "WebhookConnector",
    "connector_for",
    "connectors_of",
    "envelope",
    "inbound_secret_env",
    "remember_signature",
    "remove_connector",
    "set_connector",
    "set_inbound_secret",
    "sign",
    "verify",
]
