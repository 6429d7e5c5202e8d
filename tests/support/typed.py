"""Reading a record's typed output, or an outbox message's typed payload, in a test."""

from __future__ import annotations

from typing import TypeVar

from pydantic import BaseModel

from exdesk.domain import DecisionRecord, OutboxMessage

ModelT = TypeVar("ModelT", bound=BaseModel)


def output_of(record: DecisionRecord, model: type[ModelT]) -> ModelT:
    """The record's output, which must be a ``model``."""
    assert isinstance(record.output, model), f"{record.step} output is {type(record.output)}"
    return record.output


def payload_of(message: OutboxMessage, model: type[ModelT]) -> ModelT:
    """The message's payload, which must be a ``model``."""
    assert isinstance(message.payload, model), f"{message.kind} payload is {type(message.payload)}"
    return message.payload
