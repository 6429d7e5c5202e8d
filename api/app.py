"""The FastAPI application: ``create_app`` opens the desk for the app's lifetime."""

from __future__ import annotations

import logging
import threading
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import anyio.to_thread
from fastapi import FastAPI
from fastapi.routing import iter_route_contexts

from exdesk.api.errors import install_error_handlers
from exdesk.api.limits import RequestLimits
from exdesk.api.openapi import publish_declared_errors_only
from exdesk.api.rate_limits import RateLimits
from exdesk.api.routes import (
    approvals,
    audit,
    audit_records,
    cases,
    exceptions,
    health,
    network,
    outbox,
    precedents,
    webhooks,
)
from exdesk.service import ExceptionDesk
from exdesk.service.heap import settle_heap
from exdesk.settings import Settings
from exdesk.telemetry import configure_logging

logger = logging.getLogger(__name__)


def warm_up(desk: ExceptionDesk) -> None:
    """Load the precedent index so the first search does not pay for it, and — in inline
    mode, where no worker sweeps — finish the runs a previous process left mid-way."""
    index = desk.precedents  # builds (or loads from cache) the embedder now
    logger.info("precedent search uses %s", index.space.embedder)
    if not desk.queued:
        moved = desk.resume_interrupted()
        if moved:
            logger.info("resumed %d interrupted cases", moved)


def start_up(desk: ExceptionDesk) -> None:
    """What a server process does once, beside its first requests: warm up, then settle
    the heap (everything built so far lives as long as the process)."""
    warm_up(desk)
    settle_heap()


def create_app(settings: Settings, desk: ExceptionDesk | None = None) -> FastAPI:
    """The API. With ``desk`` given (tests), the caller owns it; else the app opens one."""

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        owned = desk is None
        if owned:
            configure_logging(settings.log_level)
        app.state.desk = desk or ExceptionDesk.open(settings)
        # Requests beyond what the pool serves at once wait their turn here, unbounded by
        # the pool's timeout: a burst of clients is queued, never answered 503.
        limiter = anyio.to_thread.current_default_thread_limiter()
        limiter.total_tokens = app.state.desk.concurrent_requests
        resumer = threading.Thread(
            target=start_up, args=(app.state.desk,), name="warm-up", daemon=True
        )
        if owned:
            resumer.start()
        try:
            yield
        finally:
            if owned:
                resumer.join()
                app.state.desk.close()

    app = FastAPI(
        title="Exception Desk",
        version="0.1.0",
        description="Operational exceptions in distribution and fulfilment, handled by "
        "governed agents. Authenticate with 'Authorization: Bearer <api key>'.",
        lifespan=lifespan,
    )
    install_error_handlers(app)
    app.state.rate_limits = RateLimits.from_settings(settings)
    for module in (
        health,
        exceptions,
        cases,
        approvals,
        network,
        audit,
        audit_records,
        precedents,
        outbox,
        webhooks,
    ):
        app.include_router(module.router)
    routes = [context.original_route for context in iter_route_contexts(app.routes)]
    app.add_middleware(RequestLimits, max_body_bytes=settings.max_body_bytes, routes=routes)
    publish_declared_errors_only(app)
    return app
