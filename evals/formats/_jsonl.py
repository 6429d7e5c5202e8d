"""Reading JSONL evaluation files: one object per line, a bad line named by file and number."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from exdesk.errors import InputError


def display_path(path: Path) -> str:
    """A path as a report shows it: relative to the working folder when under it."""
    try:
        return path.resolve().relative_to(Path.cwd().resolve()).as_posix()
    except ValueError:
        return path.as_posix()


def jsonl_files(path: Path) -> list[Path]:
    """The file itself, or every ``*.jsonl`` file under a folder (sorted); InputError when
    there is none."""
    if path.is_file():
        return [path]
    if path.is_dir():
        files = sorted(p for p in path.rglob("*.jsonl") if p.is_file())
        if files:
            return files
        raise InputError(f"{path}: no .jsonl file in this folder")
    raise InputError(f"{path}: no such file or folder")


def read_jsonl(path: Path) -> Iterator[tuple[Path, int, dict[str, Any]]]:
    """Every object of a file or folder with where it came from."""
    for file in jsonl_files(path):
        with file.open(encoding="utf-8") as handle:
            for number, line in enumerate(handle, start=1):
                if not line.strip():
                    continue
                try:
                    obj = json.loads(line)
                except json.JSONDecodeError as error:
                    raise InputError(f"{file}:{number}: not JSON ({error.msg})") from error
                if not isinstance(obj, dict):
                    raise InputError(f"{file}:{number}: a sample must be a JSON object")
                yield file, number, obj
