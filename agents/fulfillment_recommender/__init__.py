"""The fulfillment recommender: ranked remediation options for an order (CONTRACT §3)."""

from exdesk.agents.fulfillment_recommender.contract import (
    FulfillmentRecommender,
    RecommendationRequest,
)
from exdesk.agents.fulfillment_recommender.local import LocalFulfillmentRecommender

__all__ = ["FulfillmentRecommender", "LocalFulfillmentRecommender", "RecommendationRequest"]
