"""The workflow's checkpointer: LangGraph's ``PostgresSaver``, which first writes the run's
deferred decision records — a checkpoint never covers a step whose record is not stored."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from langchain_core.runnables import RunnableConfig
from langgraph.checkpoint.base import (
    ChannelVersions,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
)
from langgraph.checkpoint.postgres import PostgresSaver
from langgraph.checkpoint.serde.jsonplus import JsonPlusSerializer

from exdesk.store.database import Database
from exdesk.workflows.steps import StepRecorder

FROM_START = "exdesk_from_start"
"""A run's configurable key: the run starts from its input, so no checkpoint is read."""


class RecordingSaver(PostgresSaver):
    """Saves checkpoints (and a stopped run's pending writes) after the case's deferred
    records (:meth:`StepRecorder.write_deferred`): if they cannot be written, neither is
    the checkpoint, and the run starts again from the one before."""

    def __init__(self, db: Database, recorder: StepRecorder) -> None:
        super().__init__(db.pool, serde=JsonPlusSerializer(allowed_msgpack_modules=None))
        self._recorder = recorder

    def get_tuple(self, config: RunnableConfig) -> CheckpointTuple | None:
        """The thread's latest checkpoint — none for a run that starts from the beginning
        (:data:`FROM_START`): whatever a run cut short before its first record left holds
        no progress, and it is not read (one round trip less for every new case)."""
        if config["configurable"].get(FROM_START):
            return None
        return super().get_tuple(config)

    def put(
        self,
        config: RunnableConfig,
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: ChannelVersions,
    ) -> RunnableConfig:
        self._recorder.write_deferred(_case_id(config))
        return super().put(config, checkpoint, metadata, new_versions)

    def put_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str = "",
    ) -> None:
        self._recorder.write_deferred(_case_id(config))
        super().put_writes(config, writes, task_id, task_path)


def _case_id(config: RunnableConfig) -> str:
    """The case a checkpoint belongs to: its thread."""
    return str(config["configurable"]["thread_id"])
