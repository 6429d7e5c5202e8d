"""A chat model behind any OpenAI-compatible endpoint, through the official SDK."""

from __future__ import annotations

import time
from typing import Literal, TypeVar

from openai import Omit, OpenAI, OpenAIError, not_given, omit

from exdesk.llm._client import openai_client_from_settings
from exdesk.llm._openai_errors import model_error
from exdesk.llm._openai_format import chat_messages, function_tools, model_response, response_format
from exdesk.llm._output import checked_response
from exdesk.llm._request import ModelRequest, OutputT
from exdesk.llm._response import ModelResponse
from exdesk.settings import Settings

ENGINE = "openai"

ValueT = TypeVar("ValueT")


def _given(value: ValueT | None) -> ValueT | Omit:
    """``value``, or the SDK's marker that leaves the parameter out of the request."""
    return omit if value is None else value


class OpenAIChatModel:
    """``client.chat.completions.create``, one call per request, SDK and HTTP failures
    raised as the typed errors of :mod:`exdesk.errors`; never retries.

    ``max_tokens_parameter``: OpenAI's newest models want ``max_completion_tokens``;
    compatible servers (llama.cpp, older vLLM) know only ``max_tokens``. ``tool_choice``:
    sent with every request that offers tools (None: left to the server).
    """

    def __init__(
        self,
        client: OpenAI,
        model: str,
        *,
        provider_name: str = "openai",
        max_tokens_parameter: Literal["max_tokens", "max_completion_tokens"] = "max_tokens",
        tool_choice: Literal["auto"] | None = None,
    ) -> None:
        self._client = client
        self._model = model
        self._provider = provider_name
        self._max_tokens_parameter = max_tokens_parameter
        self._tool_choice = tool_choice

    @classmethod
    def from_settings(cls, settings: Settings) -> OpenAIChatModel:
        """The model ``EXDESK_OPENAI_MODEL`` on the configured endpoint."""
        return cls(openai_client_from_settings(settings), settings.openai_model)

    @property
    def model_name(self) -> str:
        """The model asked for."""
        return self._model

    @property
    def provider_name(self) -> str:
        """``openai`` (the API this speaks, whoever serves it)."""
        return self._provider

    @property
    def server_address(self) -> str | None:
        """The endpoint's host."""
        return self._client.base_url.host or None

    @property
    def server_port(self) -> int | None:
        """The endpoint's port (the scheme's default when the URL names none)."""
        url = self._client.base_url
        return url.port or {"https": 443, "http": 80}.get(url.scheme)

    @property
    def timeout_seconds(self) -> float | None:
        """The client's per-request timeout."""
        timeout = self._client.timeout
        if isinstance(timeout, int | float):
            return float(timeout)
        return None if timeout is None else timeout.read

    def request(self, request: ModelRequest[OutputT]) -> ModelResponse[OutputT]:
        """Send ``request``; the checked answer, or a typed error."""
        settings = request.settings
        limit = settings.max_output_tokens
        output_format = response_format(request.output) if request.output is not None else None
        tools = function_tools(request)
        timeout = settings.timeout_seconds or self.timeout_seconds
        # The JSON schemas ride in ``extra_body``, sent as they are: they already are the
        # exact JSON the API takes, and as typed parameters the SDK would walk every node
        # of them against its TypedDicts on each request (a third of its CPU per call).
        schemas = {"response_format": output_format, "tools": tools or None}
        started = time.perf_counter()
        try:
            completion = self._client.chat.completions.create(
                model=self._model,
                messages=chat_messages(request),
                max_tokens=_given(limit if self._max_tokens_parameter == "max_tokens" else None),
                max_completion_tokens=_given(
                    limit if self._max_tokens_parameter == "max_completion_tokens" else None
                ),
                temperature=_given(settings.temperature),
                seed=_given(settings.seed),
                tool_choice=_given(self._tool_choice if tools else None),
                timeout=settings.timeout_seconds or not_given,
                extra_body={key: value for key, value in schemas.items() if value is not None},
            )
        except OpenAIError as error:
            mapped = model_error(error, agent=request.agent, engine=ENGINE, timeout=timeout)
            if mapped is None:
                raise
            raise mapped from error
        answer = model_response(
            completion,
            latency_seconds=time.perf_counter() - started,
            agent=request.agent,
            engine=ENGINE,
        )
        return checked_response(request, answer, engine=ENGINE)
