"""``PUT /v1/network``: replace the tenant's reference data."""

from __future__ import annotations

from typing import Annotated, Any

from fastapi import APIRouter, Body, Query

from exdesk.api.deps import DeskDep, NetworkLoader
from exdesk.api.errors import error_responses
from exdesk.api.openapi import documented_as
from exdesk.domain import NetworkSnapshot
from exdesk.validation import validated

router = APIRouter(
    prefix="/v1/network",
    tags=["network"],
    responses=error_responses(401, 403, 409, 413, 422, 429, 503),
)


@router.put("")
def put_network(
    body: Annotated[Any, documented_as(NetworkSnapshot), Body(description="A NetworkSnapshot.")],
    desk: DeskDep,
    principal: NetworkLoader,
    replace: Annotated[
        bool,
        Query(
            description="Replace the whole network: objects the snapshot lacks are deleted. "
            "Without it, a snapshot that would delete anything is refused (409, naming what "
            "it would delete) and nothing changes."
        ),
    ] = False,
) -> dict[str, dict[str, int]]:
    """Validate and load a network snapshot (all or nothing); answer the counts loaded.

    A snapshot that would delete stored objects (``{}`` would delete them all) answers 409
    with what it would delete, and changes nothing, unless ``replace=true``. A problem is
    located as the snapshot names it: ``orders[3].lines[0].sku``.
    """
    snapshot = validated(NetworkSnapshot, body)
    return {"loaded": desk.load_network(principal.tenant_id, snapshot, replace=replace)}
