"""``GET /healthz``: is the service up and its database reachable."""

from __future__ import annotations

from typing import Literal

from fastapi import APIRouter
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from exdesk.api.deps import DeskDep

router = APIRouter(tags=["health"])


class HealthReport(BaseModel):
    """Whether the service can serve: its database answers."""

    status: Literal["ok", "unavailable"]
    reason: str | None = Field(
        default=None, description="Why not (the error's type); only when unavailable."
    )


@router.get(
    "/healthz",
    response_model=HealthReport,
    responses={503: {"model": HealthReport, "description": "The database does not answer"}},
)
def healthz(desk: DeskDep) -> JSONResponse:
    """200 when the database answers, 503 otherwise."""
    try:
        with desk.db.connection() as conn:
            conn.execute("SELECT 1")
    except Exception as error:  # any failure means unhealthy; say which
        report = HealthReport(status="unavailable", reason=type(error).__name__)
        return JSONResponse(report.model_dump(), 503)
    return JSONResponse(HealthReport(status="ok").model_dump(exclude_none=True))
