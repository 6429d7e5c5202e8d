"""Which engine an evaluation runs: the agent registry's, or one clear line why not."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from pathlib import Path
from typing import TypeVar, get_args

from exdesk.agents.registry import ENGINES, AgentName
from exdesk.domain import EngineName
from exdesk.errors import ConfigurationError
from exdesk.evals.records import EvalEngine
from exdesk.settings import Settings

AgentT = TypeVar("AgentT")


def eval_settings(data_dir: Path, **overrides: object) -> Settings:
    """Settings for an evaluation: the given data directory, no trace export, and cases run
    in the evaluation's own process (no worker)."""
    return Settings.model_validate(
        {"data_dir": data_dir, "telemetry_exporter": "none", "run_cases": "inline", **overrides}
    )


def registry_engine(engine: EvalEngine, agent: AgentName) -> EngineName:
    """The registry's name of ``engine``, or ConfigurationError when no such engine runs in
    this release (``cascade`` and ``shadow`` are evaluation modes still to come)."""
    if engine not in get_args(EngineName):
        raise ConfigurationError(
            f"engine {engine!r} is not available in this release (it needs the model "
            "engines); use --engine local"
        )
    factories: Mapping[EngineName, object] = getattr(ENGINES, agent)
    if engine not in factories:
        raise ConfigurationError(
            f"no {engine} engine for the {agent} in this release; use --engine local"
        )
    return engine  # type: ignore[return-value]


def build_engine(engine: EvalEngine, agent: AgentName, data_dir: Path) -> object:
    """One agent's engine, built as the service builds it."""
    name = registry_engine(engine, agent)
    factories: Mapping[EngineName, Callable[[Settings], object]] = getattr(ENGINES, agent)
    return factories[name](eval_settings(data_dir, **{f"{agent}_engine": name}))
