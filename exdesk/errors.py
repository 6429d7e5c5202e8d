"""Exception Desk's errors, split by who handles them.

ExdeskError
 ├── ConfigurationError       the operator fixes the configuration (exit at start)
 ├── InputError               the caller fixes the request (HTTP 422, CLI exit 2)
 ├── NotFoundError            HTTP 404 (also for another tenant's objects)
 ├── ConflictError            HTTP 409: the state moved on (approval already decided…)
 ├── AuthenticationError      HTTP 401
 ├── PermissionDeniedError    HTTP 403
 ├── RateLimitedError         HTTP 429: too many requests; wait ``retry_after_seconds``
 └── AgentError               an agent could not produce a valid proposal
      ├── ExtractionError     the document could not be read: the case goes to a human
      ├── ModelOutputError    a model answered outside its schema (retry, then fail over)
      │    ├── ModelRefusalError      it refused (or its provider filtered the answer)
      │    └── ModelTruncatedError    it hit the output-token limit mid-answer
      ├── ModelRequestError   the endpoint rejected the request (4xx): fix the call or config
      ├── ModelBudgetError    a run reached its limit (turns, tool calls, tokens, seconds)
      └── ModelUnavailableError  no answer came back: retry later, then fail over
           ├── ModelTimeoutError      no answer within ``timeout_seconds``
           ├── ModelRateLimitError    HTTP 429; wait ``retry_after_seconds`` when given
           ├── ModelServerError       HTTP 5xx (``status_code``) or an unreadable response
           └── ModelConnectionError   the endpoint could not be reached
"""

from __future__ import annotations

from typing import Literal


class ExdeskError(Exception):
    """Base of every error Exception Desk raises on purpose."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class ConfigurationError(ExdeskError):
    """The configuration is invalid; raised at start, reported as one line."""


class InputError(ExdeskError):
    """A request, file or event is malformed; nothing was changed.

    ``location`` names the object and field that is wrong, e.g. ``orders[3].lines[0].sku``.
    """

    def __init__(self, message: str, *, location: str | None = None) -> None:
        super().__init__(message)
        self.location = location


class NotFoundError(ExdeskError):
    """The object does not exist for this tenant."""


class ConflictError(ExdeskError):
    """The request raced with another, or the object is no longer in the state it needs."""


class NetworkDeletionError(ConflictError):
    """A network snapshot would delete stored objects and replacing was not asked for."""

    def __init__(self, deletions: dict[str, list[str]]) -> None:
        shown = "; ".join(
            f"{len(keys)} {kind} ({', '.join(keys[:10])}{', …' if len(keys) > 10 else ''})"
            for kind, keys in deletions.items()
        )
        super().__init__(
            f"the snapshot would delete {shown}; nothing was changed. Send the whole network "
            "with replace=true to replace it"
        )
        self.deletions = deletions


class AuthenticationError(ExdeskError):
    """No valid credentials were presented."""


class PermissionDeniedError(ExdeskError):
    """The caller is authenticated but lacks the role (or is the one who initiated it)."""


class RateLimitedError(ExdeskError):
    """Too many requests from one key, or too many failed sign-ins from one address."""

    def __init__(self, message: str, retry_after_seconds: int) -> None:
        super().__init__(message)
        self.retry_after_seconds = retry_after_seconds


class AgentError(ExdeskError):
    """An agent could not produce a valid proposal."""

    def __init__(self, message: str, *, agent: str, engine: str) -> None:
        super().__init__(message)
        self.agent = agent
        self.engine = engine


class ExtractionError(AgentError):
    """A document could not be parsed; the case goes to a human, never crashes."""

    def __init__(self, message: str, *, engine: str = "local", document: str | None = None) -> None:
        super().__init__(message, agent="document_extractor", engine=engine)
        self.document = document


class ModelOutputError(AgentError):
    """A model's answer did not parse or validate against the output schema.

    ``output`` is the text the model returned (for a retry prompt or a log), if any;
    ``input_tokens`` and ``output_tokens`` what the unusable answer cost, as the endpoint
    counted it (0 where it did not say): a run's budget and record count them too.
    """

    def __init__(self, message: str, *, agent: str, engine: str, output: str | None = None) -> None:
        super().__init__(message, agent=agent, engine=engine)
        self.output = output
        self.input_tokens = 0
        self.output_tokens = 0


class ModelRefusalError(ModelOutputError):
    """The model refused to answer, or its provider's content filter withheld the answer.

    ``refusal`` is the model's stated reason (empty when a filter gave none).
    """

    def __init__(self, message: str, *, agent: str, engine: str, refusal: str) -> None:
        super().__init__(message, agent=agent, engine=engine, output=None)
        self.refusal = refusal


class ModelTruncatedError(ModelOutputError):
    """The answer stopped at the output-token limit (finish reason ``length``), so it is
    incomplete (structured output then is unparseable JSON).

    ``max_tokens`` is the limit the request set (None: the server's own limit).
    """

    def __init__(
        self,
        message: str,
        *,
        agent: str,
        engine: str,
        max_tokens: int | None,
        output: str | None = None,
    ) -> None:
        super().__init__(message, agent=agent, engine=engine, output=output)
        self.max_tokens = max_tokens


class ModelRequestError(AgentError):
    """The endpoint rejected the request with a 4xx status other than 429 (a bad key, an
    unknown model, an unsupported parameter): resending it unchanged will not help."""

    def __init__(self, message: str, *, agent: str, engine: str, status_code: int) -> None:
        super().__init__(message, agent=agent, engine=engine)
        self.status_code = status_code


class ModelUnavailableError(AgentError):
    """No answer came back from the model endpoint; the same request may succeed later."""


class ModelTimeoutError(ModelUnavailableError):
    """No answer within ``timeout_seconds`` (None: the client set no timeout)."""

    def __init__(
        self, message: str, *, agent: str, engine: str, timeout_seconds: float | None
    ) -> None:
        super().__init__(message, agent=agent, engine=engine)
        self.timeout_seconds = timeout_seconds


class ModelRateLimitError(ModelUnavailableError):
    """HTTP 429. ``retry_after_seconds`` is the server's ``retry-after`` (None if absent)."""

    def __init__(
        self, message: str, *, agent: str, engine: str, retry_after_seconds: float | None
    ) -> None:
        super().__init__(message, agent=agent, engine=engine)
        self.retry_after_seconds = retry_after_seconds


class ModelServerError(ModelUnavailableError):
    """The endpoint failed: an HTTP 5xx ``status_code``, or a response it could not have
    meant (a 200 whose body is not a chat completion)."""

    def __init__(self, message: str, *, agent: str, engine: str, status_code: int) -> None:
        super().__init__(message, agent=agent, engine=engine)
        self.status_code = status_code


class ModelConnectionError(ModelUnavailableError):
    """The endpoint could not be reached (refused, reset, DNS, TLS)."""


class ModelBudgetError(AgentError):
    """An agent's model run reached one of its limits (``limit``: model turns, tool calls,
    tokens or wall time) before a usable answer; the attempt ends there."""

    def __init__(
        self,
        message: str,
        *,
        agent: str,
        engine: str,
        limit: Literal["turns", "tool_calls", "tokens", "seconds"],
    ) -> None:
        super().__init__(message, agent=agent, engine=engine)
        self.limit = limit
