"""One place builds the OpenAI client (the chat model and the embedder both use it):
no SDK retries, the configured timeout and endpoint."""

from __future__ import annotations

import pytest
from pydantic import SecretStr

from exdesk.errors import ConfigurationError
from exdesk.llm import (
    InstrumentedModel,
    LimitedModel,
    OpenAIChatModel,
    chat_model_from_settings,
    openai_client,
    openai_client_from_settings,
)
from exdesk.settings import Settings
from exdesk.tools.precedents import OpenAIEmbedder

SETTINGS = Settings(
    telemetry_exporter="none",
    openai_base_url="http://127.0.0.1:8089/v1",
    openai_model="smollm2-135m",
    openai_timeout_seconds=12.0,
)


def test_the_client_never_retries_and_has_the_configured_timeout() -> None:
    client = openai_client_from_settings(SETTINGS)

    assert client.max_retries == 0
    assert client.timeout == 12.0
    assert str(client.base_url) == "http://127.0.0.1:8089/v1/"
    assert client.api_key == "unused"


def test_a_key_is_sent_when_configured() -> None:
    settings = SETTINGS.model_copy(update={"openai_api_key": SecretStr("sk-test-abc")})

    assert openai_client_from_settings(settings).api_key == "sk-test-abc"


def test_neither_key_nor_endpoint_is_a_configuration_error() -> None:
    with pytest.raises(ConfigurationError, match="OPENAI_API_KEY or OPENAI_BASE_URL"):
        openai_client(api_key=None, base_url=None)


def test_the_embedder_builds_its_client_the_same_way() -> None:
    embedder = OpenAIEmbedder.from_settings(None, "http://127.0.0.1:8089/v1", "nomic", 8)

    client = embedder._client
    assert client.max_retries == 0
    assert client.timeout == 30.0


@pytest.mark.parametrize("capture", [False, True])
def test_the_settings_model_is_the_openai_one_instrumented_inside_the_endpoint_limits(
    capture: bool,
) -> None:
    settings = SETTINGS.model_copy(update={"telemetry_capture_model_content": capture})

    limited = chat_model_from_settings(settings)

    assert isinstance(limited, LimitedModel)
    assert limited.limiter.limits.max_in_flight == settings.openai_max_in_flight
    model = limited.wrapped
    assert isinstance(model, InstrumentedModel)
    assert isinstance(model.wrapped, OpenAIChatModel)
    assert model.capture_content is capture
    assert (limited.model_name, limited.server_port) == ("smollm2-135m", 8089)
    assert (model.model_name, model.provider_name) == ("smollm2-135m", "openai")
    assert (model.server_address, model.server_port) == ("127.0.0.1", 8089)


def test_the_timeout_and_content_capture_are_read_from_the_environment(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("EXDESK_OPENAI_TIMEOUT_SECONDS", "45")
    monkeypatch.setenv("EXDESK_TELEMETRY_CAPTURE_MODEL_CONTENT", "true")

    settings = Settings()

    assert settings.openai_timeout_seconds == 45.0
    assert settings.telemetry_capture_model_content is True
    assert Settings.model_fields["telemetry_capture_model_content"].default is False
