"""The 20 ms budget per recommendation for an order of 50 lines over 20 DCs."""

from __future__ import annotations

import random
import statistics

import pytest

from agents.fulfillment_recommender import LocalFulfillmentRecommender
from bench.recommender import BUDGET_MS, synthetic_network, synthetic_request, time_recommendations


@pytest.mark.slow
def test_fifty_line_order_over_twenty_dcs_is_recommended_within_budget() -> None:
    rng = random.Random(11)
    network = synthetic_network(rng, dcs=20)
    requests = [synthetic_request(rng, network, 50) for _ in range(10)]
    recommender = LocalFulfillmentRecommender()
    recommender.recommend(requests[0])
    timings = time_recommendations(recommender, requests, rounds=3)
    assert statistics.median(timings) < BUDGET_MS
