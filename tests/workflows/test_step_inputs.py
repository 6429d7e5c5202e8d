"""A step's record refers to what the step decided from: the classify record's inputs
digest is the digest of the very request the classifier was given."""

from __future__ import annotations

import dataclasses

from exdesk.agents.classifier.contract import (
    ClassificationRequest,
    Classifier,
    ClassifierOutcome,
)
from exdesk.agents.registry import AgentSet
from exdesk.domain import EngineName
from exdesk.examples import example_events
from exdesk.service import ExceptionDesk
from exdesk.settings import Settings
from exdesk.store.record_hashes import digest
from tests.workflows.conftest import TENANT, first_stop


class _Remembering:
    """The classifier, remembering each request it was given."""

    def __init__(self, inner: Classifier) -> None:
        self.inner = inner
        self.requests: list[ClassificationRequest] = []

    @property
    def engine(self) -> EngineName:
        return self.inner.engine

    def classify(self, request: ClassificationRequest) -> ClassifierOutcome:
        self.requests.append(request)
        return self.inner.classify(request)


def test_the_classify_record_digests_the_request_given(
    settings: Settings, agents: AgentSet, example_network: object
) -> None:
    remembering = _Remembering(agents.classifier)
    with ExceptionDesk.open(
        settings, agents=dataclasses.replace(agents, classifier=remembering)
    ) as desk:
        desk.load_network(TENANT, example_network)  # type: ignore[arg-type]
        # events naming an order, naming one only in their text, and naming none
        events = [example_events()[n] for n in (0, 4, 8, 10, 19, 31, 54, 66)]
        for event in events:
            case = first_stop(desk, event)
            request = remembering.requests[-1]
            assert request.event.source_event_id == event.source_event_id
            with desk.db.connection() as conn:
                row = conn.execute(
                    "SELECT inputs_digest FROM decision_records"
                    " WHERE case_id = %s AND step = 'classify'",
                    (case.case_id,),
                ).fetchone()
            assert row is not None
            assert row["inputs_digest"] == digest(request.model_dump(mode="json"))
        assert any(r.context.order is not None for r in remembering.requests)
        assert any(r.context.order is None for r in remembering.requests)
