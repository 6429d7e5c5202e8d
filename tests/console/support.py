"""Helpers for console tests: people, signing in through the form, reading form tokens."""

from __future__ import annotations

import re
from typing import Any

from fastapi.testclient import TestClient

from exdesk.domain import Case, ExceptionEvent, Role
from exdesk.service import ExceptionDesk
from exdesk.service.people import create_user
from tests.api.support import TENANT

PASSWORD = "correct horse battery"
"""Every test user's password."""


def person(desk: ExceptionDesk, user: str, *roles: Role, tenant: str = TENANT) -> str:
    """A console user of the tenant; returns the name."""
    create_user(desk.db, tenant, user, list(roles), PASSWORD)
    return user


def hidden(html: str, name: str) -> str:
    """The value of a hidden form field in a page."""
    found = re.search(rf'name="{name}" value="([^"]*)"', html)
    assert found, f"no field {name} in the page"
    return found.group(1)


def sign_in(
    client: TestClient, user: str, password: str = PASSWORD, *, tenant: str = TENANT
) -> Any:
    """Sign in through the form as a browser would; the response after redirects."""
    form = client.get("/console/sign-in")
    return client.post(
        "/console/sign-in",
        data={
            "user": user,
            "password": password,
            "tenant": tenant,
            "signin_token": hidden(form.text, "signin_token"),
            "next": "",
        },
    )


def case_of(desk: ExceptionDesk, event: dict[str, Any], tenant: str = TENANT) -> Case:
    """Ingest one event (as the test's tenant) and return its case at its first stop."""
    [ref] = desk.accept(tenant, [ExceptionEvent.model_validate(event)], initiated_by="wms-bridge")
    return desk.case(tenant, ref.case_id)
