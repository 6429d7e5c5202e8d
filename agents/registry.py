"""Building each agent's configured engine behind its one interface.

:data:`ENGINES` is the table of what exists: for each agent, a factory per engine name,
building that engine from the settings. An engine is added by adding its entry; selecting
one that has no entry stops the service at start with one line naming the agents.
``cascade`` and ``shadow`` combine an agent's ``local`` and ``openai`` engines.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Literal, TypeVar, overload

from exdesk.agents._engines import model_parts
from exdesk.agents.classifier.contract import Classifier
from exdesk.agents.classifier.openai_engine import (
    CascadeClassifier,
    OpenAIClassifier,
    ShadowClassifier,
)
from exdesk.agents.customer_drafter.contract import CustomerDrafter
from exdesk.agents.customer_drafter.openai_engine import (
    CascadeCustomerDrafter,
    OpenAICustomerDrafter,
    ShadowCustomerDrafter,
)
from exdesk.agents.document_extractor.contract import DocumentExtractor
from exdesk.agents.document_extractor.openai_engine import (
    CascadeDocumentExtractor,
    OpenAIDocumentExtractor,
    ShadowDocumentExtractor,
)
from exdesk.agents.fulfillment_recommender.contract import FulfillmentRecommender
from exdesk.agents.fulfillment_recommender.openai_engine import (
    CascadeFulfillmentRecommender,
    OpenAIFulfillmentRecommender,
    ShadowFulfillmentRecommender,
)
from exdesk.domain import Category, EngineChoice, EngineName
from exdesk.errors import ConfigurationError
from exdesk.settings import Settings

AgentT = TypeVar("AgentT")

AgentName = Literal["classifier", "extractor", "recommender", "drafter"]
"""The agents as the settings name them: ``EXDESK_<AGENT>_ENGINE`` selects the engine."""

AGENTS: tuple[AgentName, ...] = ("classifier", "extractor", "recommender", "drafter")

Factories = Mapping[EngineName, Callable[[Settings], AgentT]]
"""An agent's engines: engine name → a factory building it from the settings."""


@dataclass(frozen=True)
class AgentSet:
    """The four bounded agents a workflow may call."""

    classifier: Classifier
    extractor: DocumentExtractor
    recommender: FulfillmentRecommender
    drafter: CustomerDrafter


@dataclass(frozen=True)
class EngineTable:
    """The engines each agent has, (agent, engine) → factory."""

    classifier: Factories[Classifier]
    extractor: Factories[DocumentExtractor]
    recommender: Factories[FulfillmentRecommender]
    drafter: Factories[CustomerDrafter]

    def missing(self, settings: Settings) -> list[tuple[AgentName, EngineChoice]]:
        """The selected (agent, engine) pairs that have no entry."""
        available: dict[AgentName, Factories[object]] = {
            "classifier": self.classifier,
            "extractor": self.extractor,
            "recommender": self.recommender,
            "drafter": self.drafter,
        }
        selected = selected_engines(settings)
        return [
            (agent, engine)
            for agent, engine in selected.items()
            if any(name not in available[agent] for name in _needs(engine))
        ]


def _needs(choice: EngineChoice) -> tuple[EngineName, ...]:
    """The single engines a choice is made of."""
    if choice == "local":
        return ("local",)
    if choice == "openai":
        return ("openai",)
    return ("local", "openai")


def selected_engines(settings: Settings) -> dict[AgentName, EngineChoice]:
    """The engine the settings select for each agent."""
    return {
        "classifier": settings.classifier_engine,
        "extractor": settings.extractor_engine,
        "recommender": settings.recommender_engine,
        "drafter": settings.drafter_engine,
    }


def _local_classifier(settings: Settings) -> Classifier:
    from exdesk.agents.classifier.local import LocalClassifier

    return LocalClassifier.default(settings.data_dir)


def _local_extractor(settings: Settings) -> DocumentExtractor:
    from exdesk.agents.document_extractor.local import LocalDocumentExtractor

    return LocalDocumentExtractor()


def _local_recommender(settings: Settings) -> FulfillmentRecommender:
    from exdesk.agents.fulfillment_recommender.local import LocalFulfillmentRecommender

    return LocalFulfillmentRecommender()


def _local_drafter(settings: Settings) -> CustomerDrafter:
    from exdesk.agents.customer_drafter.local import LocalCustomerDrafter

    return LocalCustomerDrafter()


def _openai_classifier(settings: Settings) -> OpenAIClassifier:
    return OpenAIClassifier(model_parts(settings, "classifier"), _local_classifier(settings))


def _openai_extractor(settings: Settings) -> OpenAIDocumentExtractor:
    return OpenAIDocumentExtractor(model_parts(settings, "extractor"), _local_extractor(settings))


def _openai_recommender(settings: Settings) -> OpenAIFulfillmentRecommender:
    return OpenAIFulfillmentRecommender(
        model_parts(settings, "recommender"), _local_recommender(settings)
    )


def _openai_drafter(settings: Settings) -> OpenAICustomerDrafter:
    return OpenAICustomerDrafter(model_parts(settings, "drafter"), _local_drafter(settings))


ENGINES = EngineTable(
    classifier={"local": _local_classifier, "openai": _openai_classifier},
    extractor={"local": _local_extractor, "openai": _openai_extractor},
    recommender={"local": _local_recommender, "openai": _openai_recommender},
    drafter={"local": _local_drafter, "openai": _openai_drafter},
)
"""Every single engine of this release; ``cascade`` and ``shadow`` combine an agent's
``local`` and ``openai`` entries (see :func:`build_agents`)."""

DEFAULT_THRESHOLD = 0.70
"""The cascade's confidence threshold when no policy gives one (the shipped default)."""


def _classifier(
    settings: Settings, engines: EngineTable, threshold: Callable[[Category], float]
) -> Classifier:
    choice = settings.classifier_engine
    if choice in ("local", "openai"):
        return engines.classifier[choice](settings)
    model = _openai_classifier(settings)
    if choice == "cascade":
        return CascadeClassifier(model, threshold)
    return ShadowClassifier(model)


def _extractor(
    settings: Settings, engines: EngineTable, threshold: Callable[[Category], float]
) -> DocumentExtractor:
    choice = settings.extractor_engine
    if choice in ("local", "openai"):
        return engines.extractor[choice](settings)
    model = _openai_extractor(settings)
    if choice == "cascade":
        return CascadeDocumentExtractor(model, threshold("document_mismatch"))
    return ShadowDocumentExtractor(model)


def _recommender(settings: Settings, engines: EngineTable) -> FulfillmentRecommender:
    choice = settings.recommender_engine
    if choice in ("local", "openai"):
        return engines.recommender[choice](settings)
    model = _openai_recommender(settings)
    if choice == "cascade":
        return CascadeFulfillmentRecommender(model)
    return ShadowFulfillmentRecommender(model)


def _drafter(settings: Settings, engines: EngineTable) -> CustomerDrafter:
    choice = settings.drafter_engine
    if choice in ("local", "openai"):
        return engines.drafter[choice](settings)
    model = _openai_drafter(settings)
    if choice == "cascade":
        return CascadeCustomerDrafter(model)
    return ShadowCustomerDrafter(model)


def _check(settings: Settings, engines: EngineTable, agents: Sequence[AgentName]) -> None:
    """ConfigurationError, naming the agents, when a selected engine does not exist."""
    missing = [(agent, engine) for agent, engine in engines.missing(settings) if agent in agents]
    if missing:
        named = ", ".join(
            f"{agent} (EXDESK_{agent.upper()}_ENGINE={engine})" for agent, engine in missing
        )
        raise ConfigurationError(
            f"invalid configuration: no such engine in this release for {named}; use local"
        )


def _limit(threshold: Callable[[Category], float] | None) -> Callable[[Category], float]:
    return threshold or (lambda _category: DEFAULT_THRESHOLD)


@overload
def build_agent(
    settings: Settings,
    agent: Literal["classifier"],
    engines: EngineTable = ...,
    *,
    threshold: Callable[[Category], float] | None = ...,
) -> Classifier: ...
@overload
def build_agent(
    settings: Settings,
    agent: Literal["extractor"],
    engines: EngineTable = ...,
    *,
    threshold: Callable[[Category], float] | None = ...,
) -> DocumentExtractor: ...
@overload
def build_agent(
    settings: Settings,
    agent: Literal["recommender"],
    engines: EngineTable = ...,
    *,
    threshold: Callable[[Category], float] | None = ...,
) -> FulfillmentRecommender: ...
@overload
def build_agent(
    settings: Settings,
    agent: Literal["drafter"],
    engines: EngineTable = ...,
    *,
    threshold: Callable[[Category], float] | None = ...,
) -> CustomerDrafter: ...
def build_agent(
    settings: Settings,
    agent: AgentName,
    engines: EngineTable = ENGINES,
    *,
    threshold: Callable[[Category], float] | None = None,
) -> Classifier | DocumentExtractor | FulfillmentRecommender | CustomerDrafter:
    """One agent's engine as the settings select it, built exactly as :func:`build_agents`
    builds it (an evaluation builds one agent without training or loading the others).

    Raises ConfigurationError when the selected engine does not exist.
    """
    _check(settings, engines, (agent,))
    if agent == "classifier":
        return _classifier(settings, engines, _limit(threshold))
    if agent == "extractor":
        return _extractor(settings, engines, _limit(threshold))
    if agent == "recommender":
        return _recommender(settings, engines)
    return _drafter(settings, engines)


def build_agents(
    settings: Settings,
    engines: EngineTable = ENGINES,
    *,
    threshold: Callable[[Category], float] | None = None,
) -> AgentSet:
    """The engines the settings select (``local`` by default).

    ``threshold`` is the policy's confidence threshold per category, under which a
    ``cascade`` asks the model (default: 0.70 for every category).

    Only the four agents' selections are checked here: precedent search's embedder is not
    an agent and is built on its own (``EXDESK_PRECEDENTS_EMBEDDER``). Raises
    ConfigurationError, before building anything, when a selected engine does not exist.
    """
    _check(settings, engines, AGENTS)
    return AgentSet(
        classifier=build_agent(settings, "classifier", engines, threshold=threshold),
        extractor=build_agent(settings, "extractor", engines, threshold=threshold),
        recommender=build_agent(settings, "recommender", engines),
        drafter=build_agent(settings, "drafter", engines),
    )
