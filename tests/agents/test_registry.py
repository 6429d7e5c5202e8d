"""The registry builds each agent's engine from the settings through its table; an
engine with no entry stops the start with one line; the precedent embedder is no agent."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from exdesk.agents.classifier.contract import ClassificationRequest, ClassifierOutcome
from exdesk.agents.registry import (
    ENGINES,
    EngineTable,
    build_agent,
    build_agents,
    selected_engines,
)
from exdesk.domain import EngineName
from exdesk.errors import ConfigurationError
from exdesk.service import ExceptionDesk
from exdesk.settings import Settings, load_settings
from exdesk.tools.precedents import OpenAIEmbedder

LOCAL_ENDPOINT = "http://127.0.0.1:8089/v1"
LOCAL_ONLY = EngineTable(
    classifier={"local": ENGINES.classifier["local"]},
    extractor={"local": ENGINES.extractor["local"]},
    recommender={"local": ENGINES.recommender["local"]},
    drafter={"local": ENGINES.drafter["local"]},
)
"""A release with local engines only (a build that leaves the model engines out)."""


class _StubClassifier:
    """Stands for an engine a later release adds."""

    engine: EngineName = "openai"

    def classify(self, request: ClassificationRequest) -> ClassifierOutcome:
        raise NotImplementedError


def test_the_openai_precedent_embedder_starts_the_desk(
    monkeypatch: pytest.MonkeyPatch, database_url: str, session_data_dir: Path
) -> None:
    for name, value in {
        "EXDESK_PRECEDENTS_EMBEDDER": "openai",
        "OPENAI_BASE_URL": LOCAL_ENDPOINT,
        "EXDESK_DATABASE_URL": database_url,
        "EXDESK_DATA_DIR": str(session_data_dir),
        "EXDESK_TELEMETRY_EXPORTER": "none",
    }.items():
        monkeypatch.setenv(name, value)
    for name in ("CLASSIFIER", "EXTRACTOR", "RECOMMENDER", "DRAFTER"):
        monkeypatch.delenv(f"EXDESK_{name}_ENGINE", raising=False)
    settings = load_settings()
    assert settings.engines_needing_openai() == ["precedents"]

    with ExceptionDesk.open(settings) as desk:
        assert isinstance(desk.precedents.embedder, OpenAIEmbedder)


@pytest.mark.parametrize(
    ("selected", "named"),
    [
        ({"classifier_engine": "openai"}, ["classifier (EXDESK_CLASSIFIER_ENGINE=openai)"]),
        (
            {"extractor_engine": "openai", "drafter_engine": "cascade"},
            [
                "extractor (EXDESK_EXTRACTOR_ENGINE=openai)",
                "drafter (EXDESK_DRAFTER_ENGINE=cascade)",
            ],
        ),
    ],
)
def test_an_agent_engine_without_an_entry_stops_with_one_line_naming_it(
    selected: dict[str, str], named: list[str]
) -> None:
    settings = Settings(
        telemetry_exporter="none", openai_base_url=LOCAL_ENDPOINT, precedents_embedder="openai"
    ).model_copy(update=selected)

    with pytest.raises(ConfigurationError) as caught:
        build_agents(settings, LOCAL_ONLY)

    message = caught.value.message
    assert "\n" not in message
    assert message.startswith("invalid configuration: ")
    assert ", ".join(named) in message
    assert "precedents" not in message


def test_an_engine_added_to_the_table_is_the_one_built(session_data_dir: Path) -> None:
    stub = _StubClassifier()
    engines = dataclasses.replace(
        ENGINES, classifier={**ENGINES.classifier, "openai": lambda settings: stub}
    )
    settings = Settings(
        data_dir=session_data_dir,
        telemetry_exporter="none",
        openai_base_url=LOCAL_ENDPOINT,
        classifier_engine="openai",
    )

    agents = build_agents(settings, engines)

    assert agents.classifier is stub
    assert agents.drafter.engine == "local"
    assert selected_engines(settings)["classifier"] == "openai"


@pytest.mark.parametrize(
    ("choice", "expected"),
    [
        ("openai", ("OpenAIClassifier", "OpenAIDocumentExtractor")),
        ("cascade", ("CascadeClassifier", "CascadeDocumentExtractor")),
        ("shadow", ("ShadowClassifier", "ShadowDocumentExtractor")),
    ],
)
def test_every_agent_has_openai_cascade_and_shadow_engines(
    session_data_dir: Path, choice: str, expected: tuple[str, str]
) -> None:
    settings = Settings(
        data_dir=session_data_dir, telemetry_exporter="none", openai_base_url=LOCAL_ENDPOINT
    ).model_copy(
        update={
            "classifier_engine": choice,
            "extractor_engine": choice,
            "recommender_engine": choice,
            "drafter_engine": choice,
        }
    )

    agents = build_agents(settings)

    assert (type(agents.classifier).__name__, type(agents.extractor).__name__) == expected
    prefix = expected[0].removesuffix("Classifier")
    assert type(agents.recommender).__name__ == f"{prefix}FulfillmentRecommender"
    assert type(agents.drafter).__name__ == f"{prefix}CustomerDrafter"


def test_a_model_engine_needs_an_endpoint_unless_a_cassette_replays(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    for name in ("OPENAI_API_KEY", "OPENAI_BASE_URL", "EXDESK_OPENAI_API_KEY"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("EXDESK_DRAFTER_ENGINE", "shadow")

    with pytest.raises(ConfigurationError, match="selected for drafter"):
        load_settings()

    cassette = tmp_path / "run.jsonl"
    cassette.write_text("")
    monkeypatch.setenv("EXDESK_LLM_CASSETTE", str(cassette))
    assert load_settings().llm_cassette == cassette


def test_one_agent_is_built_as_the_set_builds_it_and_only_its_engine_is_checked(
    session_data_dir: Path,
) -> None:
    settings = Settings(
        data_dir=session_data_dir, telemetry_exporter="none", openai_base_url=LOCAL_ENDPOINT
    ).model_copy(update={"drafter_engine": "cascade", "recommender_engine": "shadow"})

    drafter = build_agent(settings, "drafter")
    extractor = build_agent(settings, "extractor", LOCAL_ONLY)

    assert type(drafter) is type(build_agents(settings).drafter)
    assert type(drafter).__name__ == "CascadeCustomerDrafter"
    assert type(extractor).__name__ == "LocalDocumentExtractor"
    with pytest.raises(ConfigurationError, match="recommender") as refused:
        build_agent(settings, "recommender", LOCAL_ONLY)
    assert "drafter" not in str(refused.value)
