"""The one interface every model client implements, and the base of wrappers around one."""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from exdesk.llm._request import ModelRequest, OutputT
from exdesk.llm._response import ModelResponse


@runtime_checkable
class ModelClient(Protocol):
    """A chat model: one request in, one checked answer out (or a typed error).

    Errors are those of :mod:`exdesk.errors`: ``ModelOutputError`` and its subclasses for
    an unusable answer, ``ModelUnavailableError`` subclasses for no answer,
    ``ModelRequestError`` for a rejected request. A client does not retry.
    """

    @property
    def model_name(self) -> str:
        """The model asked for, e.g. ``gpt-4o-mini``."""
        ...

    @property
    def provider_name(self) -> str:
        """Whose API this speaks (``gen_ai.provider.name``), e.g. ``openai``."""
        ...

    @property
    def server_address(self) -> str | None:
        """The endpoint's host (None when there is no remote endpoint)."""
        ...

    @property
    def server_port(self) -> int | None:
        """The endpoint's port (None when there is no remote endpoint)."""
        ...

    def request(self, request: ModelRequest[OutputT]) -> ModelResponse[OutputT]:
        """Send ``request`` and return the model's checked answer."""
        ...


class WrapperModel:
    """A client that delegates to ``wrapped``: subclass it to add behaviour around calls
    (telemetry, caching) without changing what the wrapped client does."""

    def __init__(self, wrapped: ModelClient) -> None:
        self.wrapped = wrapped
        """The client calls are delegated to."""

    @property
    def model_name(self) -> str:
        """The wrapped client's model."""
        return self.wrapped.model_name

    @property
    def provider_name(self) -> str:
        """The wrapped client's provider."""
        return self.wrapped.provider_name

    @property
    def server_address(self) -> str | None:
        """The wrapped client's host."""
        return self.wrapped.server_address

    @property
    def server_port(self) -> int | None:
        """The wrapped client's port."""
        return self.wrapped.server_port

    def request(self, request: ModelRequest[OutputT]) -> ModelResponse[OutputT]:
        """The wrapped client's answer."""
        return self.wrapped.request(request)
