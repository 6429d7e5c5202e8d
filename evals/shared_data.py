"""Where the public evaluation data lives: read in place, never copied into the project."""

from __future__ import annotations

import os
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parent.parent
_DEFAULT = REPO_ROOT.parent / "shared" / "datasets"


def shared_datasets_dir() -> Path | None:
    """The shared datasets folder (``EXDESK_SHARED_DATASETS`` or ``../shared/datasets``).

    Returns None when it is absent, as on a fresh clone elsewhere.
    """
    configured = os.environ.get("EXDESK_SHARED_DATASETS")
    path = Path(configured) if configured else _DEFAULT
    return path if path.is_dir() else None


def shared_dataset(name: str) -> Path | None:
    """One dataset folder by name (``x12-bots``, ``bitext-customer-support``…), or None."""
    root = shared_datasets_dir()
    if root is None:
        return None
    path = root / name
    return path if path.is_dir() else None
