"""Read-only tools an agent grants its model: a definition (arguments as a pydantic model)
and the function answering it."""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, Generic

from pydantic import BaseModel

from exdesk.llm._request import ArgumentsT, ToolDefinition
from exdesk.masking import mask_value


@dataclass(frozen=True)
class BoundTool(Generic[ArgumentsT]):
    """A tool and what answers it; ``answer`` only reads (it is given the parsed arguments
    and returns something JSON-able, personal data masked on the way out)."""

    definition: ToolDefinition[ArgumentsT]
    answer: Callable[[ArgumentsT], Any]

    @property
    def name(self) -> str:
        """The tool's name."""
        return self.definition.name

    def run(self, arguments: ArgumentsT) -> str:
        """The answer as the JSON text sent back to the model."""
        value = self.answer(arguments)
        if isinstance(value, BaseModel):
            value = value.model_dump(mode="json", exclude_none=True)
        elif isinstance(value, list):
            value = [
                v.model_dump(mode="json", exclude_none=True) if isinstance(v, BaseModel) else v
                for v in value
            ]
        return json.dumps(mask_value(value), ensure_ascii=False, sort_keys=True, default=str)


def read_only_tool(
    name: str,
    description: str,
    parameters: type[ArgumentsT],
    answer: Callable[[ArgumentsT], Any],
) -> BoundTool[ArgumentsT]:
    """A :class:`BoundTool` from its parts."""
    return BoundTool(ToolDefinition(name, description, parameters), answer)


def definitions(tools: Sequence[BoundTool[Any]]) -> tuple[ToolDefinition[Any], ...]:
    """The tools' definitions, as a request offers them."""
    return tuple(tool.definition for tool in tools)
