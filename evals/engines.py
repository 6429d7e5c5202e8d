"""The engine an evaluation runs, built exactly as the service builds it: the agent
registry's :func:`~exdesk.agents.registry.build_agent` on settings that select the engine
for that agent (``EXDESK_<AGENT>_ENGINE``), with the policy's confidence thresholds for a
``cascade``. Everything else — the model endpoint, per-agent model, limits, fallback, the
cassette — comes from the service's settings, so an evaluation measures what runs.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Literal, overload

from exdesk.agents.classifier.contract import Classifier
from exdesk.agents.customer_drafter.contract import CustomerDrafter
from exdesk.agents.document_extractor.contract import DocumentExtractor
from exdesk.agents.fulfillment_recommender.contract import FulfillmentRecommender
from exdesk.agents.registry import AgentName, build_agent
from exdesk.domain import Category
from exdesk.evals.suite import RunOptions
from exdesk.policies.config import PolicyConfig, load_policy_config
from exdesk.settings import Settings, require_model_endpoint


def eval_settings(data_dir: Path, base: Settings | None = None, **overrides: object) -> Settings:
    """Settings for an evaluation: ``base`` (None: read from the environment) with the given
    data directory, no trace export, and cases run in the evaluation's own process."""
    values = {"data_dir": data_dir, "telemetry_exporter": "none", "run_cases": "inline"}
    values |= overrides
    if base is None:
        return Settings.model_validate(values)
    return base.model_copy(update=values)


def agent_settings(
    options: RunOptions, agents: Sequence[AgentName], **overrides: object
) -> Settings:
    """The run's settings with ``options.engine`` selected for ``agents``; ConfigurationError
    (one line) when that engine asks a model and no endpoint is configured (neither
    ``OPENAI_API_KEY`` nor ``OPENAI_BASE_URL``, and no cassette replayed)."""
    engines = {f"{agent}_engine": options.engine for agent in agents}
    settings = eval_settings(options.data_dir, options.settings, **engines, **overrides)
    require_model_endpoint(settings)
    return settings


def run_policy(options: RunOptions) -> PolicyConfig:
    """The policies the run's settings name (``EXDESK_POLICY_FILE``; the shipped ones by
    default): their thresholds are what a cascade and the policy figures use."""
    return load_policy_config(eval_settings(options.data_dir, options.settings).policy_file)


def policy_threshold(settings: Settings) -> Callable[[Category], float]:
    """The policy's confidence threshold per category (where a cascade asks the model), as
    the service passes it to the registry."""
    return load_policy_config(settings.policy_file).thresholds.for_category


@overload
def build_engine(options: RunOptions, agent: Literal["classifier"]) -> Classifier: ...
@overload
def build_engine(options: RunOptions, agent: Literal["extractor"]) -> DocumentExtractor: ...
@overload
def build_engine(options: RunOptions, agent: Literal["recommender"]) -> FulfillmentRecommender: ...
@overload
def build_engine(options: RunOptions, agent: Literal["drafter"]) -> CustomerDrafter: ...
def build_engine(
    options: RunOptions, agent: AgentName
) -> Classifier | DocumentExtractor | FulfillmentRecommender | CustomerDrafter:
    """One agent's engine, selected by ``options.engine``, built as the service builds it."""
    settings = agent_settings(options, (agent,))
    threshold = policy_threshold(settings)
    if agent == "classifier":
        return build_agent(settings, "classifier", threshold=threshold)
    if agent == "extractor":
        return build_agent(settings, "extractor", threshold=threshold)
    if agent == "recommender":
        return build_agent(settings, "recommender")
    return build_agent(settings, "drafter")


def engine_notes(options: RunOptions) -> list[str]:
    """What a report's reader should know about a run's model (none for ``local``)."""
    if options.engine == "local":
        return []
    settings = eval_settings(options.data_dir, options.settings)
    replayed = settings.llm_cassette is not None and settings.llm_cassette_mode == "replay"
    where = settings.openai_base_url or ("no endpoint" if replayed else "the OpenAI API")
    notes = [
        f"engine {options.engine}: model {settings.openai_model} at {where} "
        "(EXDESK_<AGENT>_MODEL overrides it per agent)"
    ]
    if settings.llm_cassette is not None:
        notes.append(f"model exchanges {settings.llm_cassette_mode}ed: {settings.llm_cassette}")
    return notes
