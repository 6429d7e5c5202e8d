"""Settings from ``EXDESK_*`` variables; a bad value stops with one line naming the variable.

No real secret is used: keys here are obvious fakes, and the environment is cleared first.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from exdesk.errors import ConfigurationError
from exdesk.settings import Settings, load_settings

FAKE_KEY = "sk-test-not-a-real-key-0000"
ENGINE_VARIABLES = {
    "EXDESK_CLASSIFIER_ENGINE": "classifier",
    "EXDESK_EXTRACTOR_ENGINE": "extractor",
    "EXDESK_RECOMMENDER_ENGINE": "recommender",
    "EXDESK_DRAFTER_ENGINE": "drafter",
}


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch) -> None:
    """Nothing from the machine running the tests leaks into the settings."""
    for name in list(os.environ):
        upper = name.upper()
        if upper.startswith("EXDESK_") or upper in {
            "DATABASE_URL",
            "OPENAI_API_KEY",
            "OPENAI_BASE_URL",
        }:
            monkeypatch.delenv(name)


def _error(monkeypatch: pytest.MonkeyPatch, name: str, value: str) -> str:
    monkeypatch.setenv(name, value)
    with pytest.raises(ConfigurationError) as caught:
        load_settings()
    return caught.value.message


def _named_variable(message: str) -> str:
    match = re.match(r"invalid configuration: (\S+): ", message)
    assert match is not None, message
    return match.group(1)


def test_defaults_run_locally_without_any_variable() -> None:
    settings = load_settings()
    assert settings.data_dir == Path(".exdesk")
    assert settings.database_url is None
    assert settings.tenant == "default"
    assert settings.engines_needing_openai() == []
    assert settings.openai_api_key is None
    assert settings.policy_file is None
    assert (settings.pool_size, settings.workers, settings.port) == (8, 4, 8000)
    assert settings.host == "127.0.0.1"
    assert settings.log_level == "WARNING"


@pytest.mark.parametrize(
    ("name", "value", "attribute", "expected"),
    [
        ("EXDESK_TENANT", "acme", "tenant", "acme"),
        ("EXDESK_DATA_DIR", "/var/lib/exdesk", "data_dir", Path("/var/lib/exdesk")),
        ("EXDESK_PORT", "9000", "port", 9000),
        ("EXDESK_HOST", "0.0.0.0", "host", "0.0.0.0"),
        ("EXDESK_POOL_SIZE", "16", "pool_size", 16),
        ("EXDESK_WORKERS", "2", "workers", 2),
        ("EXDESK_LOG_LEVEL", "DEBUG", "log_level", "DEBUG"),
        ("EXDESK_TELEMETRY_EXPORTER", "none", "telemetry_exporter", "none"),
        ("EXDESK_OTLP_ENDPOINT", "http://collector:4318", "otlp_endpoint", "http://collector:4318"),
        ("EXDESK_OPENAI_MODEL", "gpt-4.1-mini", "openai_model", "gpt-4.1-mini"),
        (
            "EXDESK_DATABASE_URL",
            "postgresql://u@db/exdesk",
            "database_url",
            "postgresql://u@db/exdesk",
        ),
        ("DATABASE_URL", "postgres://u@db/exdesk", "database_url", "postgres://u@db/exdesk"),
        (
            "OPENAI_BASE_URL",
            "http://localhost:11434/v1",
            "openai_base_url",
            "http://localhost:11434/v1",
        ),
        (
            "EXDESK_OPENAI_OUTPUT_MODE",
            "json_object_schema",
            "openai_output_mode",
            "json_object_schema",
        ),
        ("EXDESK_OPENAI_TOOL_CHOICE", "auto", "openai_tool_choice", "auto"),
        ("EXDESK_OPENAI_TOOL_CHOICE", "", "openai_tool_choice", None),
    ],
)
def test_variables_are_read(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, attribute: str, expected: object
) -> None:
    monkeypatch.setenv(name, value)
    assert getattr(load_settings(), attribute) == expected


def test_the_policy_file_can_be_replaced(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    policy = tmp_path / "site.yaml"
    policy.write_text("version: x\n", encoding="utf-8")
    monkeypatch.setenv("EXDESK_POLICY_FILE", str(policy))
    assert load_settings().policy_file == policy


@pytest.mark.parametrize(
    ("name", "value"), [("PORT", "9000"), ("TENANT", "acme"), ("WORKERS", "9")]
)
def test_unprefixed_variables_are_ignored(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    monkeypatch.setenv(name, value)
    assert load_settings() == Settings()


def test_the_prefixed_database_url_wins_over_the_generic_one(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setenv("DATABASE_URL", "postgresql://generic/db")
    monkeypatch.setenv("EXDESK_DATABASE_URL", "postgresql://exdesk/db")
    assert load_settings().database_url == "postgresql://exdesk/db"


@pytest.mark.parametrize(
    ("name", "low", "high"),
    [("EXDESK_PORT", 1, 65535), ("EXDESK_POOL_SIZE", 1, 128), ("EXDESK_WORKERS", 1, 64)],
)
def test_numeric_limits_are_inclusive(
    monkeypatch: pytest.MonkeyPatch, name: str, low: int, high: int
) -> None:
    attribute = name.removeprefix("EXDESK_").lower()
    for value in (low, high):
        monkeypatch.setenv(name, str(value))
        assert getattr(load_settings(), attribute) == value
    for value in (low - 1, high + 1):
        assert _named_variable(_error(monkeypatch, name, str(value))) == name


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("EXDESK_PORT", "eighty"),
        ("EXDESK_POOL_SIZE", "1.5"),
        ("EXDESK_WORKERS", ""),
        ("EXDESK_LOG_LEVEL", "LOUD"),
        ("EXDESK_TELEMETRY_EXPORTER", "jaeger"),
        ("EXDESK_POLICY_FILE", "/nonexistent/policy.yaml"),
        *((name, "gpt") for name in ENGINE_VARIABLES),
    ],
)
def test_a_bad_value_is_one_line_naming_the_variable(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str
) -> None:
    message = _error(monkeypatch, name, value)
    assert "\n" not in message
    assert _named_variable(message) == name


def test_a_lower_case_variable_is_named_in_upper_case(monkeypatch: pytest.MonkeyPatch) -> None:
    assert _named_variable(_error(monkeypatch, "exdesk_port", "0")) == "EXDESK_PORT"


@pytest.mark.parametrize("name", ["EXDESK_DATABASE_URL", "DATABASE_URL"])
@pytest.mark.parametrize("url", ["mysql://u@db/exdesk", "sqlite:///exdesk.db", "db.internal"])
def test_only_postgres_urls_are_accepted(
    monkeypatch: pytest.MonkeyPatch, name: str, url: str
) -> None:
    message = _error(monkeypatch, name, url)
    assert "postgresql://" in message
    assert "\n" not in message


def test_a_bad_database_url_does_not_echo_its_password(monkeypatch: pytest.MonkeyPatch) -> None:
    message = _error(monkeypatch, "DATABASE_URL", "mysql://app:s3cr3t-pw@db/exdesk")
    assert "s3cr3t-pw" not in message


@pytest.mark.parametrize(
    ("name", "value", "acceptable"),
    [
        ("EXDESK_DATABASE_URL", "mysql://u@db/x", {"EXDESK_DATABASE_URL"}),
        ("DATABASE_URL", "mysql://u@db/x", {"DATABASE_URL", "EXDESK_DATABASE_URL"}),
        ("EXDESK_OPENAI_API_KEY", "changeme", {"EXDESK_OPENAI_API_KEY"}),
        ("OPENAI_API_KEY", "sk-...", {"OPENAI_API_KEY", "EXDESK_OPENAI_API_KEY"}),
    ],
)
def test_an_aliased_variable_is_named_as_it_can_be_set(
    monkeypatch: pytest.MonkeyPatch, name: str, value: str, acceptable: set[str]
) -> None:
    assert _named_variable(_error(monkeypatch, name, value)) in acceptable


@pytest.mark.parametrize("name", ["EXDESK_DATABASE_URL", "DATABASE_URL"])
def test_an_empty_database_url_means_the_embedded_server(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    monkeypatch.setenv(name, "")
    assert load_settings().database_url is None


@pytest.mark.parametrize("name", ["EXDESK_OPENAI_API_KEY", "OPENAI_API_KEY"])
@pytest.mark.parametrize("placeholder", ["changeme", "sk-..."])
def test_a_placeholder_api_key_is_refused(
    monkeypatch: pytest.MonkeyPatch, name: str, placeholder: str
) -> None:
    message = _error(monkeypatch, name, placeholder)
    assert "placeholder" in message
    assert "\n" not in message


def test_the_api_key_is_secret(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", FAKE_KEY)
    settings = load_settings()
    assert settings.openai_api_key is not None
    assert settings.openai_api_key.get_secret_value() == FAKE_KEY
    assert FAKE_KEY not in repr(settings)
    assert FAKE_KEY not in str(settings.model_dump())


@pytest.mark.parametrize("name", ENGINE_VARIABLES)
def test_an_openai_engine_without_key_or_endpoint_is_refused(
    monkeypatch: pytest.MonkeyPatch, name: str
) -> None:
    message = _error(monkeypatch, name, "openai")
    assert "\n" not in message
    assert ENGINE_VARIABLES[name] in message
    assert "OPENAI_API_KEY" in message


@pytest.mark.parametrize("name", ENGINE_VARIABLES)
@pytest.mark.parametrize(
    ("credential", "value"),
    [
        ("OPENAI_API_KEY", FAKE_KEY),
        ("EXDESK_OPENAI_API_KEY", FAKE_KEY),
        ("OPENAI_BASE_URL", "http://localhost:8080/v1"),
    ],
)
def test_an_openai_engine_with_a_key_or_an_endpoint_is_accepted(
    monkeypatch: pytest.MonkeyPatch, name: str, credential: str, value: str
) -> None:
    monkeypatch.setenv(name, "openai")
    monkeypatch.setenv(credential, value)
    assert load_settings().engines_needing_openai() == [ENGINE_VARIABLES[name]]


def test_every_agent_set_to_openai_is_named(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ENGINE_VARIABLES:
        monkeypatch.setenv(name, "openai")
    message = _error(monkeypatch, "EXDESK_TENANT", "acme")
    assert "classifier, extractor, recommender, drafter" in message


def test_settings_are_frozen() -> None:
    settings = load_settings()
    with pytest.raises(ValueError, match="frozen"):
        settings.port = 1  # type: ignore[misc]


@pytest.mark.parametrize("name", ["EXDESK_OPENAI_API_KEY", "OPENAI_API_KEY"])
def test_a_blank_api_key_counts_as_unset(monkeypatch: pytest.MonkeyPatch, name: str) -> None:
    monkeypatch.setenv(name, "  ")
    assert load_settings().openai_api_key is None
