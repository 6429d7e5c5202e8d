"""Building each agent's configured engine behind its one interface."""

from __future__ import annotations

from dataclasses import dataclass

from exdesk.agents.classifier.contract import Classifier
from exdesk.agents.customer_drafter.contract import CustomerDrafter
from exdesk.agents.document_extractor.contract import DocumentExtractor
from exdesk.agents.fulfillment_recommender.contract import FulfillmentRecommender
from exdesk.errors import ConfigurationError
from exdesk.settings import Settings


@dataclass(frozen=True)
class AgentSet:
    """The four bounded agents a workflow may call."""

    classifier: Classifier
    extractor: DocumentExtractor
    recommender: FulfillmentRecommender
    drafter: CustomerDrafter


def build_agents(settings: Settings) -> AgentSet:
    """The engines the settings select (``local`` by default)."""
    needing = settings.engines_needing_openai()
    if needing:
        raise ConfigurationError(
            "invalid configuration: the openai engine is not available in this release "
            f"(selected for {', '.join(needing)}); use local"
        )
    from exdesk.agents.classifier.local import LocalClassifier
    from exdesk.agents.customer_drafter.local import LocalCustomerDrafter
    from exdesk.agents.document_extractor.local import LocalDocumentExtractor
    from exdesk.agents.fulfillment_recommender.local import LocalFulfillmentRecommender

    return AgentSet(
        classifier=LocalClassifier.default(settings.data_dir),
        extractor=LocalDocumentExtractor(),
        recommender=LocalFulfillmentRecommender(),
        drafter=LocalCustomerDrafter(),
    )
