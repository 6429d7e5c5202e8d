"""The workflow's checkpointer: LangGraph's ``PostgresSaver``, which first writes the run's
deferred decision records — a checkpoint never covers a step whose record is not stored."""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
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
from psycopg import Connection, Cursor
from psycopg.rows import DictRow

from exdesk.store.database import Database
from exdesk.workflows.steps import StepRecorder

logger = logging.getLogger(__name__)

FROM_START = "exdesk_from_start"
"""A run's configurable key: the run starts from its input, so no checkpoint is read."""


class RecordingSaver(PostgresSaver):
    """Saves checkpoints (and a stopped run's pending writes) after the case's deferred
    records (:meth:`StepRecorder.write_deferred`): if they cannot be written, neither is
    the checkpoint, and the run starts again from the one before."""

    def __init__(self, db: Database, recorder: StepRecorder) -> None:
        super().__init__(db.pool, serde=JsonPlusSerializer(allowed_msgpack_modules=None))
        self._recorder = recorder
        self._held: dict[str, list[Callable[[], object]]] = {}
        self._saving_on: Connection[DictRow] | None = None
        """Where held saves are being made (one saver per thread: see ``CaseRunner``)."""

    @contextmanager
    def saves_held(self, case_id: str, on: Connection[DictRow] | None = None) -> Iterator[None]:
        """Hold the saves of a run of the case in the block, and make them as it ends, on
        the thread running it. LangGraph saves a run that checkpoints when it stops
        (``durability="exit"``) from a thread pool it starts for the run, and the run's
        thread waits for that thread to be scheduled — behind every other run's for the
        interpreter — before it can go on: held, the saves cost that thread nothing but
        a list append. What is saved, and when, is unchanged: after the run's records,
        before its lock is released. A run that raised is saved too (its checkpoint is
        where it resumes); a save that fails then is logged, and the run's error raised.

        ``on``: the idle connection holding the case's lock. The saves — the checkpoint
        and a stopped run's pending writes — are then sent on it together, in one round
        trip and one transaction, instead of each on a connection taken from the pool."""
        held: list[Callable[[], object]] = []
        self._held[case_id] = held
        try:
            yield
        except BaseException:
            del self._held[case_id]
            try:
                self._save(held, on)
            except Exception as error:
                logger.warning(
                    "case %s: a run that raised was not checkpointed: %r", case_id, error
                )
            raise
        del self._held[case_id]
        self._save(held, on)

    def _save(self, held: Sequence[Callable[[], object]], on: Connection[DictRow] | None) -> None:
        if on is None or not held:
            for save in held:
                save()
            return
        self._saving_on = on
        try:
            with on.pipeline():
                for save in held:
                    save()
        finally:
            self._saving_on = None

    @contextmanager
    def _cursor(self, *, pipeline: bool = False) -> Iterator[Cursor[DictRow]]:
        """PostgresSaver's cursor; while held saves are made on a connection, one on it,
        inside the pipeline they share."""
        if self._saving_on is None:
            with super()._cursor(pipeline=pipeline) as cursor:
                yield cursor
            return
        with self._saving_on.cursor(binary=True) as cursor:
            yield cursor

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
        held = self._held.get(_case_id(config))
        if held is None:
            return self._put(config, checkpoint, metadata, new_versions)
        held.append(lambda: self._put(config, checkpoint, metadata, new_versions))
        configurable = config["configurable"]
        return {  # what PostgresSaver.put answers
            "configurable": {
                "thread_id": configurable["thread_id"],
                "checkpoint_ns": configurable.get("checkpoint_ns", ""),
                "checkpoint_id": checkpoint["id"],
            }
        }

    def _put(
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
        held = self._held.get(_case_id(config))
        if held is None:
            self._put_writes(config, writes, task_id, task_path)
        else:
            held.append(lambda: self._put_writes(config, writes, task_id, task_path))

    def _put_writes(
        self,
        config: RunnableConfig,
        writes: Sequence[tuple[str, Any]],
        task_id: str,
        task_path: str,
    ) -> None:
        self._recorder.write_deferred(_case_id(config))
        super().put_writes(config, writes, task_id, task_path)


def _case_id(config: RunnableConfig) -> str:
    """The case a checkpoint belongs to: its thread."""
    return str(config["configurable"]["thread_id"])
