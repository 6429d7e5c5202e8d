"""Many rows in one statement: each column sent as one array, read back by ``unnest``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any


def unnest_rows(
    types: Mapping[str, str], rows: Sequence[Mapping[str, Any]], *, binary: bool = False
) -> tuple[str, dict[str, Any]]:
    """``unnest(…)`` of ``rows`` — one array per column of ``types`` (column → SQL type),
    in its order — and its parameters (``all_<column>``). ``binary``: the arrays are sent
    in binary, where a text array's literal would escape every quote of every JSON
    document in it."""
    placeholder = "b" if binary else "s"
    arrays = ", ".join(
        f"%(all_{column}){placeholder}::{sql_type}[]" for column, sql_type in types.items()
    )
    params = {f"all_{column}": [row[column] for row in rows] for column in types}
    return f"unnest({arrays})", params
