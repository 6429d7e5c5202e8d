"""Configuration: one settings object, read from ``EXDESK_*`` environment variables."""

from __future__ import annotations

import os
from functools import lru_cache
from pathlib import Path
from typing import Literal

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from exdesk.domain import EngineChoice, EngineName, FallbackChoice
from exdesk.errors import ConfigurationError


class ModelLimits(BaseModel):
    """What one agent's model run may spend before it ends (a JSON object in
    ``EXDESK_<AGENT>_LIMITS``, e.g. ``{"tool_calls": 4, "seconds": 20}``)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    turns: int = Field(default=6, ge=1, le=50)
    """Model requests (each tool round and the repair turn count)."""
    tool_calls: int = Field(default=8, ge=0, le=100)
    tokens: int = Field(default=24_000, ge=256, le=1_000_000)
    """Input plus output tokens over the whole run."""
    output_tokens: int = Field(default=2_048, ge=16, le=100_000)
    """The most one answer may have (``max_tokens``)."""
    seconds: float = Field(default=60.0, gt=0, le=3600)
    """Wall time of the run, retries and waits included."""


TelemetryExporter = Literal["none", "console", "file", "otlp"]
"""Where OpenTelemetry spans go: nowhere, stderr, ``<data_dir>/traces.jsonl``, or OTLP/HTTP."""


class Settings(BaseSettings):
    """Everything an operator can set. Secrets come from the environment only."""

    model_config = SettingsConfigDict(
        env_prefix="EXDESK_", extra="ignore", validate_default=True, frozen=True
    )

    data_dir: Path = Path(".exdesk")
    """Where the embedded PostgreSQL, model caches and trace files live."""
    database_url: str | None = Field(
        default=None, validation_alias=AliasChoices("EXDESK_DATABASE_URL", "DATABASE_URL")
    )
    """A PostgreSQL (with pgvector) URL, connecting as the application role (one that owns
    no table); unset starts the embedded server under data_dir with its own two roles."""
    migration_database_url: str | None = None
    """The same database as the role that owns the tables, used only to migrate and to
    grant the application role its privileges. Unset with ``database_url`` set: that role
    migrates too (as before release 2), with a warning when it could rewrite the log."""
    ledger_signing_key: SecretStr | None = None
    """The Ed25519 key that signs ledger checkpoints: PEM (PKCS#8) or the 32-byte private
    key in base64."""
    ledger_signing_key_file: Path | None = None
    """A file holding that key (PEM or base64). With neither set, a key is generated under
    data_dir on first use (``ledger_signing_key.pem``, mode 0600)."""
    tenant: str = "default"
    """The tenant the CLI acts for."""

    classifier_engine: EngineChoice = "local"
    extractor_engine: EngineChoice = "local"
    recommender_engine: EngineChoice = "local"
    drafter_engine: EngineChoice = "local"
    """``local``, ``openai``, ``cascade`` (local first, the model when local is unsure) or
    ``shadow`` (local decides, the model runs alongside, recorded only)."""
    classifier_model: str | None = None
    extractor_model: str | None = None
    recommender_model: str | None = None
    drafter_model: str | None = None
    """The model each agent asks (unset: ``EXDESK_OPENAI_MODEL``)."""
    classifier_fallback: FallbackChoice = "local"
    extractor_fallback: FallbackChoice = "local"
    recommender_fallback: FallbackChoice = "local"
    drafter_fallback: FallbackChoice = "local"
    """What an ``openai`` engine uses when the model fails: the local engine, or ``triage``
    (a proposal a person must take up)."""
    classifier_limits: ModelLimits = ModelLimits(turns=4, tool_calls=4, tokens=12_000)
    extractor_limits: ModelLimits = ModelLimits(turns=4, tool_calls=2, output_tokens=4_096)
    recommender_limits: ModelLimits = ModelLimits()
    drafter_limits: ModelLimits = ModelLimits(turns=4, tool_calls=4)

    policy_file: Path | None = None
    """Policies and confidence thresholds (YAML); unset uses the shipped
    ``policies/default.yaml``."""

    openai_api_key: SecretStr | None = Field(
        default=None, validation_alias=AliasChoices("EXDESK_OPENAI_API_KEY", "OPENAI_API_KEY")
    )
    openai_base_url: str | None = Field(
        default=None, validation_alias=AliasChoices("EXDESK_OPENAI_BASE_URL", "OPENAI_BASE_URL")
    )
    openai_model: str = "gpt-4o-mini"
    openai_timeout_seconds: float = Field(default=30.0, gt=0, le=600)
    """How long one request to the OpenAI-compatible endpoint may take (no SDK retries:
    retrying is the caller's decision)."""
    openai_output_mode: Literal["json_schema", "json_object", "json_object_schema"] = "json_schema"
    """Strict structured outputs; JSON mode with the schema in the prompt (servers that
    reject ``json_schema``); or that plus the schema in ``response_format``, which
    llama-cpp-python's server enforces while sampling. The answer is validated in every
    mode (one repair turn when it does not fit)."""
    openai_max_tokens_parameter: Literal["max_tokens", "max_completion_tokens"] = "max_tokens"
    openai_tool_choice: Literal["auto"] | None = None
    """Sent as ``tool_choice`` with every request that offers tools (unset: not sent, the
    server decides; OpenAI's default is ``auto``, while llama-cpp-python's
    ``chatml-function-calling`` calls tools only when it is sent)."""
    openai_max_retries: int = Field(default=2, ge=0, le=10)
    """Retries of a request that got no answer (timeout, connection, 429, 5xx)."""
    openai_backoff_seconds: float = Field(default=0.5, ge=0, le=60)
    """The first retry's wait, doubled each time, with jitter (a 429's ``retry-after``
    wins)."""
    openai_max_in_flight: int = Field(default=32, ge=1, le=1024)
    """Requests in flight to one endpoint at once, across all agents."""
    openai_requests_per_minute: int | None = Field(default=None, ge=1, le=1_000_000)
    """Requests started per minute to one endpoint (unset: no limit)."""
    llm_cassette: Path | None = None
    """A file of model exchanges: recorded to, or replayed from (``llm_cassette_mode``)."""
    llm_cassette_mode: Literal["record", "replay"] = "replay"

    precedents_embedder: EngineName = "local"
    """Precedent search vectors: ``local`` (TF-IDF + SVD, no network) or ``openai``."""
    precedents_local_dim: int = Field(default=256, ge=8, le=1024)
    precedents_openai_model: str = "text-embedding-3-small"
    precedents_openai_dimensions: int | None = Field(default=None, ge=1, le=4000)
    precedents_ef_search: int = Field(default=300, ge=1, le=1000)
    """HNSW ``ef_search``: 300 gave recall@10 0.969 at p99 6.6 ms over 100k cases."""
    precedents_in_evidence: bool = False
    """Search precedents while classifying and record them beside the classification (they
    never change it). Off by default: it embeds and searches on every case, while the API,
    the CLI and the console find a case's precedents when someone asks for them."""

    telemetry_exporter: TelemetryExporter = "file"
    otlp_endpoint: str | None = None
    telemetry_capture_model_content: bool = False
    """Record prompts and completions on model-call spans (masked). Off: they may hold
    personal data, and the GenAI conventions make them opt-in."""

    pool_size: int = Field(default=8, ge=1, le=128)
    """Maximum connections in the application's pool."""
    workers: int = Field(default=4, ge=1, le=64)
    """Cases advanced in parallel by ``exdesk ingest`` and jobs run at once by each
    ``exdesk worker``."""
    worker_processes: int = Field(default=1, ge=1, le=64)
    """Processes each ``exdesk worker`` runs (one supervisor keeps them running): threads of
    one process share one interpreter, so about one per core."""
    run_cases: Literal["queue", "inline"] = "queue"
    """``queue``: the API stores an event or a decision and answers; workers run the case.
    ``inline``: the API runs the case in the request (one process, no worker)."""
    pool_timeout_seconds: float = Field(default=5.0, gt=0, le=120)
    """How long a request waits for a database connection before answering 503."""
    worker_stalled_seconds: float = Field(default=30.0, ge=5, le=3600)
    """A worker silent this long is taken for dead and its jobs are run again."""
    delivery_max_attempts: int = Field(default=8, ge=1, le=50)
    delivery_backoff_seconds: float = Field(default=5.0, gt=0, le=3600)
    """The wait after a failed delivery, doubled each time (with jitter), at most an hour."""
    webhook_tolerance_seconds: float = Field(default=300.0, ge=1, le=3600)
    """How far an inbound webhook's signed time may be from now."""
    checkpoint_retention_days: float = Field(default=7.0, ge=0, le=3650)
    """Closed cases keep their workflow checkpoints this long (their decision log forever)."""
    host: str = "127.0.0.1"
    console_secure_cookie: Literal["auto", "always", "never"] = "auto"
    """The console's session cookie: ``Secure`` over https (``auto``), always (behind a proxy
    that terminates TLS), or never."""
    port: int = Field(default=8000, ge=1, le=65535)
    max_body_bytes: int = Field(default=16_000_000, ge=1024, le=1_000_000_000)
    """The largest request body the API reads (413 beyond it, checked before parsing)."""
    rate_limit_per_second: float = Field(default=20.0, gt=0, le=100_000)
    """Requests per second one API key may make on average (a token bucket per key)."""
    rate_limit_burst: int = Field(default=60, ge=1, le=1_000_000)
    """How many requests one API key may make at once before the average applies."""
    failed_auth_per_minute: int = Field(default=30, ge=1, le=100_000)
    """Requests with a missing, unknown, revoked or expired key one client address may make
    per minute; beyond it every request from that address is 429 until the minute passes."""
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR"] = "WARNING"

    @field_validator(
        "database_url",
        "migration_database_url",
        "openai_api_key",
        "openai_base_url",
        "ledger_signing_key",
        "classifier_model",
        "extractor_model",
        "recommender_model",
        "drafter_model",
        "llm_cassette",
        "openai_tool_choice",
        mode="before",
    )
    @classmethod
    def _empty_is_unset(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("database_url", "migration_database_url")
    @classmethod
    def _postgres_only(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("postgresql://", "postgres://")):
            raise ValueError("must be a postgresql:// URL")
        return value or None

    @field_validator("policy_file", "ledger_signing_key_file")
    @classmethod
    def _file_exists(cls, value: Path | None) -> Path | None:
        if value is not None and not value.is_file():
            raise ValueError(f"no such file: {value}")
        return value

    @field_validator("openai_api_key")
    @classmethod
    def _no_placeholder_key(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and value.get_secret_value().strip() in {"", "changeme", "sk-..."}:
            raise ValueError("is a placeholder; set a real key or unset it")
        return value

    def engines_needing_openai(self) -> list[str]:
        """The agents configured for an engine that asks a model."""
        engines = {
            "classifier": self.classifier_engine,
            "extractor": self.extractor_engine,
            "recommender": self.recommender_engine,
            "drafter": self.drafter_engine,
            "precedents": self.precedents_embedder,
        }
        return [agent for agent, engine in engines.items() if engine != "local"]


def _variable_name(field: str) -> str:
    """The environment variable a failing field was read from.

    pydantic names an aliased field by its first alias whichever one was set; report the
    one actually present (``DATABASE_URL`` rather than ``EXDESK_DATABASE_URL``).
    """
    if not field.isupper():
        return "EXDESK_" + field.upper()
    for name, info in Settings.model_fields.items():
        alias = info.validation_alias
        if isinstance(alias, AliasChoices) and field in alias.choices:
            present = [str(c) for c in alias.choices if str(c) in os.environ]
            return present[0] if present else field
        if name.upper() == field:
            break
    return field


def load_settings() -> Settings:
    """Read and validate the settings, or raise ConfigurationError with one clear line."""
    try:
        settings = Settings()
    except ValidationError as error:
        first = error.errors()[0]
        field = "_".join(str(part) for part in first["loc"])
        name = _variable_name(field)
        raise ConfigurationError(f"invalid configuration: {name}: {first['msg']}") from error
    require_model_endpoint(settings)
    return settings


def require_model_endpoint(settings: Settings) -> None:
    """Raise ConfigurationError (one line) when an engine that asks a model is selected but
    no endpoint is configured (neither key nor URL) and no cassette is replayed."""
    needing = settings.engines_needing_openai()
    replaying = settings.llm_cassette is not None and settings.llm_cassette_mode == "replay"
    unconfigured = settings.openai_api_key is None and settings.openai_base_url is None
    if needing and unconfigured and not replaying:
        raise ConfigurationError(
            "invalid configuration: the openai engine is selected for "
            f"{', '.join(needing)} but neither OPENAI_API_KEY nor OPENAI_BASE_URL is set"
        )


@lru_cache(maxsize=1)
def get_settings() -> Settings:
    """The process-wide settings (validated once)."""
    return load_settings()
