"""What the execute step commits to deliver: one typed payload per outbox kind."""

from __future__ import annotations

from typing import Literal

from pydantic import Field

from exdesk.domain._base import ContractModel, Identifier
from exdesk.domain.proposals import (
    CreditReview,
    CustomerDraft,
    DocumentResolution,
    FulfillmentOption,
)
from exdesk.domain.taxonomy import EventSource

OutboxKind = Literal["remediation", "customer_message", "credit_decision", "partner_notice"]
"""What an outbox message asks another system (or a person's mailbox) to do."""


class RemediationOrder(ContractModel):
    """Carry out a fulfilment option for an order (ERP/WMS/TMS)."""

    order_id: Identifier | None = None
    option: FulfillmentOption


class CustomerMessage(CustomerDraft):
    """Send an approved draft to the customer."""

    order_id: Identifier | None = None


class CreditDecision(CreditReview):
    """Apply finance's decision on a credit hold."""


class PartnerNotice(DocumentResolution):
    """Tell a trading partner (or our EDI team) what to do about a document."""

    order_id: Identifier | None = None
    source: EventSource


OutboxPayload = RemediationOrder | CustomerMessage | CreditDecision | PartnerNotice
"""Any outbox payload; the message's ``kind`` says which."""

DeliveryStatus = Literal["pending", "sent", "retrying", "dead"]
"""Where an outbox message's delivery stands."""


class DeliveryResponse(ContractModel):
    """What the receiver answered."""

    connector: Literal["webhook", "smtp"]
    status_code: int | None = Field(default=None, description="HTTP status or SMTP reply code.")
    detail: str = Field(default="", max_length=2000, description="The head of the answer.")
