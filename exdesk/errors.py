"""Exception Desk's errors, split by who handles them.

ExdeskError
 ├── ConfigurationError       the operator fixes the configuration (exit at start)
 ├── InputError               the caller fixes the request (HTTP 422, CLI exit 2)
 ├── NotFoundError            HTTP 404 (also for another tenant's objects)
 ├── ConflictError            HTTP 409: the state moved on (approval already decided…)
 ├── AuthenticationError      HTTP 401
 ├── PermissionDeniedError    HTTP 403
 └── AgentError               an agent could not produce a valid proposal
      ├── ExtractionError     the document could not be read: the case goes to a human
      └── ModelOutputError    a model answered outside its schema (retry, then fail over)
"""

from __future__ import annotations


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


class AuthenticationError(ExdeskError):
    """No valid credentials were presented."""


class PermissionDeniedError(ExdeskError):
    """The caller is authenticated but lacks the role (or is the one who initiated it)."""


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
    """A model's answer did not validate against the output schema."""
