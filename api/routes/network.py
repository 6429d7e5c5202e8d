"""``PUT /v1/network``: replace the tenant's reference data."""

from __future__ import annotations

from fastapi import APIRouter

from api.deps import DeskDep, NetworkLoader
from exdesk.domain import NetworkSnapshot

router = APIRouter(prefix="/v1/network", tags=["network"])


@router.put("")
def put_network(
    snapshot: NetworkSnapshot, desk: DeskDep, principal: NetworkLoader
) -> dict[str, dict[str, int]]:
    """Validate and load a network snapshot (all or nothing); answer the counts loaded."""
    return {"loaded": desk.load_network(principal.tenant_id, snapshot)}
