"""The model engines' prompts, one versioned file per agent (``id`` and ``version`` in its
header, named in every decision record a model helped write)."""

from __future__ import annotations

from exdesk.llm import Prompt, load_prompt


def agent_prompt(name: str) -> Prompt:
    """The prompt ``<name>.md`` of this package."""
    return load_prompt(__name__, f"{name}.md")
