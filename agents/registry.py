"""Building each agent's configured engine behind its one interface.

:data:`ENGINES` is the table of what exists: for each agent, a factory per engine name,
building that engine from the settings. An engine is added by adding its entry; selecting
one that has no entry stops the service at start with one line naming the agents.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Literal, TypeVar

from exdesk.agents.classifier.contract import Classifier
from exdesk.agents.customer_drafter.contract import CustomerDrafter
from exdesk.agents.document_extractor.contract import DocumentExtractor
from exdesk.agents.fulfillment_recommender.contract import FulfillmentRecommender
from exdesk.domain import EngineName
from exdesk.errors import ConfigurationError
from exdesk.settings import Settings

AgentT = TypeVar("AgentT")

AgentName = Literal["classifier", "extractor", "recommender", "drafter"]
"""The agents as the settings name them: ``EXDESK_<AGENT>_ENGINE`` selects the engine."""

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

    def missing(self, settings: Settings) -> list[tuple[AgentName, EngineName]]:
        """The selected (agent, engine) pairs that have no entry."""
        available: dict[AgentName, Factories[object]] = {
            "classifier": self.classifier,
            "extractor": self.extractor,
            "recommender": self.recommender,
            "drafter": self.drafter,
        }
        selected = selected_engines(settings)
        return [
            (agent, engine) for agent, engine in selected.items() if engine not in available[agent]
        ]


def selected_engines(settings: Settings) -> dict[AgentName, EngineName]:
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


ENGINES = EngineTable(
    classifier={"local": _local_classifier},
    extractor={"local": _local_extractor},
    recommender={"local": _local_recommender},
    drafter={"local": _local_drafter},
)
"""Every engine of this release (the ``openai`` ones are still to come)."""


def build_agents(settings: Settings, engines: EngineTable = ENGINES) -> AgentSet:
    """The engines the settings select (``local`` by default).

    Only the four agents' selections are checked here: precedent search's embedder is not
    an agent and is built on its own (``EXDESK_PRECEDENTS_EMBEDDER``). Raises
    ConfigurationError, before building anything, when a selected engine does not exist.
    """
    missing = engines.missing(settings)
    if missing:
        named = ", ".join(
            f"{agent} (EXDESK_{agent.upper()}_ENGINE={engine})" for agent, engine in missing
        )
        raise ConfigurationError(
            f"invalid configuration: no such engine in this release for {named}; use local"
        )
    return AgentSet(
        classifier=engines.classifier[settings.classifier_engine](settings),
        extractor=engines.extractor[settings.extractor_engine](settings),
        recommender=engines.recommender[settings.recommender_engine](settings),
        drafter=engines.drafter[settings.drafter_engine](settings),
    )
