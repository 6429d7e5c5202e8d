"""A scripted fake model for logic tests: answers from a script, in order."""

from __future__ import annotations

import threading
from collections import deque
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel

from exdesk.llm._messages import UserMessage
from exdesk.llm._output import checked_response
from exdesk.llm._request import ModelRequest, OutputT
from exdesk.llm._response import ModelResponse

ScriptItem = ModelResponse[Any] | BaseModel | str | Exception
"""One scripted answer: a whole response; a pydantic object (the structured answer, sent
as its JSON); a text (the content, parsed if the request asks for a schema); or an
exception to raise."""


class ScriptExhaustedError(AssertionError):
    """The code under test made more model calls than the script has answers."""


class ScriptedModel:
    """Answers each request with the next item of ``script`` and records the requests.

    Answers pass the same checks as a real client's (refusal, truncation, tool calls,
    schema), so a malformed scripted answer raises the error a real one would; ``engine``
    is the engine those errors name (the one the fake stands in for). Running out of
    script raises :class:`ScriptExhaustedError`.
    """

    def __init__(
        self,
        script: Iterable[ScriptItem] = (),
        *,
        model_name: str = "scripted",
        provider_name: str = "scripted",
        engine: str = "openai",
    ) -> None:
        self._script: deque[ScriptItem] = deque(script)
        self._lock = threading.Lock()
        self._model = model_name
        self._provider = provider_name
        self._engine = engine
        self.requests: list[ModelRequest[Any]] = []
        """Every request received, in order."""

    @property
    def model_name(self) -> str:
        """The model name answers report."""
        return self._model

    @property
    def provider_name(self) -> str:
        """``scripted`` unless told otherwise."""
        return self._provider

    @property
    def server_address(self) -> str | None:
        """None: nothing is reached."""
        return None

    @property
    def server_port(self) -> int | None:
        """None: nothing is reached."""
        return None

    @property
    def remaining(self) -> int:
        """Answers not yet given."""
        with self._lock:
            return len(self._script)

    def add(self, *items: ScriptItem) -> None:
        """Append answers to the script."""
        with self._lock:
            self._script.extend(items)

    def assert_all_used(self) -> None:
        """Fail if some scripted answers were never asked for."""
        if self.remaining:
            raise AssertionError(
                f"{self.remaining} scripted answer(s) unused after {len(self.requests)} call(s)"
            )

    def request(self, request: ModelRequest[OutputT]) -> ModelResponse[OutputT]:
        """The next scripted answer, checked against ``request``; or its scripted error."""
        with self._lock:
            self.requests.append(request)
            if not self._script:
                raise ScriptExhaustedError(
                    f"call {len(self.requests)} to the scripted model by {request.agent!r} has "
                    f"no scripted answer; last user message: {_last_user_text(request)!r}"
                )
            item = self._script.popleft()
        if isinstance(item, Exception):
            raise item
        return checked_response(request, self._response(item), engine=self._engine)

    def _response(self, item: ModelResponse[Any] | BaseModel | str) -> ModelResponse[Any]:
        if isinstance(item, ModelResponse):
            return item
        text = item if isinstance(item, str) else item.model_dump_json()
        return ModelResponse(text=text, model_name=self._model)


def _last_user_text(request: ModelRequest[Any]) -> str:
    texts = [m.content for m in request.messages if isinstance(m, UserMessage)]
    return texts[-1][:200] if texts else ""
