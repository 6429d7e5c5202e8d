"""``GET /healthz``: is the service up and its database reachable."""

from __future__ import annotations

from fastapi import APIRouter
from fastapi.responses import JSONResponse

from exdesk.api.deps import DeskDep

router = APIRouter(tags=["health"])


@router.get("/healthz")
def healthz(desk: DeskDep) -> JSONResponse:
    """200 when the database answers, 503 otherwise."""
    try:
        with desk.db.connection() as conn:
            conn.execute("SELECT 1")
    except Exception as error:  # any failure means unhealthy; say which
        return JSONResponse({"status": "unavailable", "reason": type(error).__name__}, 503)
    return JSONResponse({"status": "ok"})
