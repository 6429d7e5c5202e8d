"""Tests refuse real model requests: an SDK request no test double answers fails."""

from __future__ import annotations

import pytest

from exdesk.llm import ModelRequest, OpenAIChatModel, UserMessage, openai_client
from tests.conftest import RealModelRequestError


def test_an_unmocked_model_request_is_refused(no_real_model_requests: list[str]) -> None:
    model = OpenAIChatModel(
        openai_client(api_key="sk-test-key", base_url="https://api.openai.com/v1"), "gpt-4o-mini"
    )

    with pytest.raises(RealModelRequestError, match="tried to reach a model endpoint"):
        model.request(ModelRequest([UserMessage("hello")]))

    assert no_real_model_requests == ["POST https://api.openai.com/v1/chat/completions"]
    no_real_model_requests.clear()
