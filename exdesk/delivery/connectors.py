"""Connectors: how an outbox message reaches the system or person it is for.

Each tenant configures one connector per outbox kind: an HTTP webhook (an ERP, WMS or TMS
endpoint, or a mail gateway) signed with HMAC-SHA256, or SMTP for customer messages. A
connector makes one attempt and says how it went; the dispatcher decides about retries.
Secrets never sit in the database: a configuration names the environment variable holding
each one.
"""

from __future__ import annotations

import json
import os
import smtplib
import ssl
from collections.abc import Mapping
from dataclasses import dataclass
from email.message import EmailMessage
from typing import Annotated, Literal, Protocol

import httpx
from pydantic import BaseModel, ConfigDict, EmailStr, Field, HttpUrl

from exdesk.delivery.signing import IDEMPOTENCY_HEADER, SIGNATURE_HEADER, sign
from exdesk.domain import CustomerMessage, DeliveryResponse, OutboxKind, OutboxMessage
from exdesk.errors import ConfigurationError

EnvName = Annotated[str, Field(pattern=r"^[A-Z_][A-Z0-9_]*$", max_length=100)]
"""The name of an environment variable that holds a secret."""


class WebhookConfig(BaseModel):
    """POST each message as signed JSON to ``url``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    connector: Literal["webhook"] = "webhook"
    url: HttpUrl
    secret_env: EnvName
    """The environment variable holding the HMAC secret shared with the receiver."""
    timeout_seconds: float = Field(default=10.0, gt=0, le=120)


class SmtpConfig(BaseModel):
    """Send customer messages as e-mail through an SMTP server."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    connector: Literal["smtp"] = "smtp"
    host: str = Field(min_length=1, max_length=255)
    port: int = Field(default=587, ge=1, le=65535)
    starttls: bool = True
    sender: EmailStr
    username: str | None = None
    password_env: EnvName | None = None
    timeout_seconds: float = Field(default=20.0, gt=0, le=120)


ConnectorConfig = Annotated[WebhookConfig | SmtpConfig, Field(discriminator="connector")]
"""How one kind of message is delivered for one tenant."""


@dataclass(frozen=True)
class Delivered:
    """The receiver took the message."""

    response: DeliveryResponse


@dataclass(frozen=True)
class Failed:
    """The attempt failed; ``transient`` failures are worth another try."""

    error: str
    transient: bool
    response: DeliveryResponse | None = None
    retry_after_seconds: float | None = None


Outcome = Delivered | Failed


class Connector(Protocol):
    """Makes one delivery attempt."""

    def send(self, message: OutboxMessage, tenant_id: str) -> Outcome:
        """Deliver ``message`` once; never raises for a delivery failure."""
        ...


def secret_from(env: Mapping[str, str], name: str) -> bytes:
    """A secret named by a configuration; ConfigurationError when it is not set."""
    value = env.get(name, "")
    if not value:
        raise ConfigurationError(f"the secret {name} is not set in the environment")
    return value.encode()


def envelope(message: OutboxMessage, tenant_id: str) -> bytes:
    """The JSON a webhook receives: the message's identity and its payload."""
    document = {
        "outbox_id": message.outbox_id,
        "tenant_id": tenant_id,
        "case_id": message.case_id,
        "kind": message.kind,
        "created_at": message.created_at.isoformat(),
        "payload": message.payload.model_dump(mode="json"),
    }
    return json.dumps(document, separators=(",", ":"), ensure_ascii=False).encode()


_RETRYABLE_STATUS = frozenset({408, 425, 429, 500, 502, 503, 504})


def _retry_after(headers: httpx.Headers) -> float | None:
    value = headers.get("retry-after")
    try:
        return max(0.0, float(value)) if value else None
    except ValueError:
        return None


class WebhookConnector:
    """Signed JSON over HTTP; 2xx is delivered, 408/425/429/5xx and network errors are
    retried, any other answer is final."""

    def __init__(
        self,
        config: WebhookConfig,
        env: Mapping[str, str] | None = None,
        client: httpx.Client | None = None,
    ) -> None:
        self.config = config
        self._secret = secret_from(os.environ if env is None else env, config.secret_env)
        self._client = client or httpx.Client(timeout=config.timeout_seconds)

    def send(self, message: OutboxMessage, tenant_id: str) -> Outcome:
        """POST the message once."""
        body = envelope(message, tenant_id)
        headers = {
            "Content-Type": "application/json",
            IDEMPOTENCY_HEADER: message.outbox_id,
            SIGNATURE_HEADER: sign(self._secret, body).header,
        }
        try:
            answer = self._client.post(str(self.config.url), content=body, headers=headers)
        except httpx.TimeoutException:
            return Failed(f"no answer within {self.config.timeout_seconds:g} s", transient=True)
        except httpx.HTTPError as error:
            return Failed(f"{type(error).__name__}: {error}", transient=True)
        response = DeliveryResponse(
            connector="webhook", status_code=answer.status_code, detail=answer.text[:2000]
        )
        if answer.is_success:
            return Delivered(response)
        return Failed(
            f"HTTP {answer.status_code}",
            transient=answer.status_code in _RETRYABLE_STATUS,
            response=response,
            retry_after_seconds=_retry_after(answer.headers),
        )


class SmtpConnector:
    """Customer messages as e-mail; 4xx replies and lost connections are retried, 5xx replies
    are final."""

    def __init__(self, config: SmtpConfig, env: Mapping[str, str] | None = None) -> None:
        self.config = config
        source = os.environ if env is None else env
        self._password = (
            secret_from(source, config.password_env).decode() if config.password_env else None
        )

    def email(self, message: OutboxMessage) -> EmailMessage:
        """The e-mail a customer message becomes."""
        payload = message.payload
        if not isinstance(payload, CustomerMessage):
            raise TypeError(f"SMTP delivers customer messages, not {message.kind}")
        email = EmailMessage()
        email["From"] = str(self.config.sender)
        email["To"] = payload.to or ""
        email["Subject"] = payload.subject
        email["Message-ID"] = f"<{message.outbox_id}@exdesk>"
        email[IDEMPOTENCY_HEADER] = message.outbox_id
        email["Content-Language"] = payload.locale
        email.set_content(payload.body)
        return email

    def send(self, message: OutboxMessage, tenant_id: str) -> Outcome:
        """Hand the e-mail to the SMTP server once."""
        payload = message.payload
        if not isinstance(payload, CustomerMessage) or not payload.to:
            return Failed("the message has no recipient", transient=False)
        try:
            with smtplib.SMTP(
                self.config.host, self.config.port, timeout=self.config.timeout_seconds
            ) as server:
                if self.config.starttls:
                    server.starttls(context=ssl.create_default_context())
                if self.config.username and self._password is not None:
                    server.login(self.config.username, self._password)
                refused = server.send_message(self.email(message))
        except smtplib.SMTPResponseException as error:
            raw = error.smtp_error
            detail = (raw.decode(errors="replace") if isinstance(raw, bytes) else str(raw))[:2000]
            response = DeliveryResponse(
                connector="smtp", status_code=error.smtp_code, detail=detail
            )
            return Failed(
                f"SMTP {error.smtp_code}", transient=error.smtp_code < 500, response=response
            )
        except smtplib.SMTPRecipientsRefused as error:
            return Failed(f"recipient refused: {error.recipients}", transient=False)
        except (smtplib.SMTPException, OSError) as error:
            return Failed(f"{type(error).__name__}: {error}", transient=True)
        if refused:
            return Failed(f"recipient refused: {sorted(refused)}", transient=False)
        return Delivered(DeliveryResponse(connector="smtp", status_code=250, detail="accepted"))


def build_connector(config: WebhookConfig | SmtpConfig) -> Connector:
    """The connector a configuration describes (secrets read from the environment now)."""
    if isinstance(config, WebhookConfig):
        return WebhookConnector(config)
    return SmtpConnector(config)


def check_fits(kind: OutboxKind, config: WebhookConfig | SmtpConfig) -> None:
    """SMTP carries customer messages only; ConfigurationError otherwise."""
    if isinstance(config, SmtpConfig) and kind != "customer_message":
        raise ConfigurationError(f"SMTP delivers customer messages, not {kind}")


__all__ = [
    "Connector",
    "ConnectorConfig",
    "Delivered",
    "Failed",
    "Outcome",
    "SmtpConfig",
    "SmtpConnector",
    "WebhookConfig",
    "WebhookConnector",
    "build_connector",
    "check_fits",
    "envelope",
    "secret_from",
]
