"""Prompts as versioned files inside the package, and untrusted text framed as data.

A prompt file is Markdown with a two-line header::

    id: classifier
    version: 1
    ---
    You are ...

It is read with :mod:`importlib.resources`, so it ships in the wheel beside its agent.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources

_HEADER = re.compile(r"\Aid: *(?P<id>[a-z0-9_.-]+)\nversion: *(?P<version>[0-9A-Za-z._-]+)\n---\n")


@dataclass(frozen=True)
class Prompt:
    """An agent's instructions, and the id and version the decision record names."""

    id: str
    version: str
    text: str

    @property
    def label(self) -> str:
        """``<id>@<version>``."""
        return f"{self.id}@{self.version}"


def load_prompt(package: str, name: str) -> Prompt:
    """The prompt file ``name`` in ``package``; ValueError when its
    header is missing."""
    text = resources.files(package).joinpath(name).read_text(encoding="utf-8")
    match = _HEADER.match(text)
    if match is None:
        raise ValueError(f"{package}/{name} has no 'id:' / 'version:' / '---' header")
    return Prompt(match["id"], match["version"], text[match.end() :].strip())


_FENCE = re.compile(r"</?\s*untrusted[^>]*>", re.IGNORECASE)


def untrusted(label: str, text: str) -> str:
    """``text`` framed as data the model must not obey: inside ``<untrusted kind=…>`` tags,
    with any such tag inside it neutralised so it cannot close the frame early."""
    cleaned = _FENCE.sub("[removed tag]", text)
    return f'<untrusted kind="{label}">\n{cleaned}\n</untrusted>'
