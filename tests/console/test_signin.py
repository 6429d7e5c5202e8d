"""Sign-in for people: argon2 hashes, cookies a script cannot read or another site send,
CSRF on every form, sign-out, disabled users, lockout after repeated failures."""

from __future__ import annotations

from fastapi.testclient import TestClient

from exdesk.service import ExceptionDesk
from exdesk.service.people import LOCK_AFTER, disable
from tests.api.support import TENANT
from tests.console.support import PASSWORD, hidden, person, sign_in


def test_pages_send_a_stranger_to_sign_in_and_back(console: TestClient) -> None:
    response = console.get("/console/queue?status=escalated", follow_redirects=False)
    assert response.status_code == 303
    assert (
        response.headers["location"]
        == "/console/sign-in?next=%2Fconsole%2Fqueue%3Fstatus%3Descalated"
    )


def test_a_signed_in_person_lands_on_their_queue_with_a_strict_httponly_cookie(
    console: TestClient, loaded_desk: ExceptionDesk
) -> None:
    person(loaded_desk, "Rita", "cs_rep")
    form = console.get("/console/sign-in")
    response = console.post(
        "/console/sign-in",
        data={
            "user": " RITA ",
            "password": PASSWORD,
            "tenant": TENANT,
            "signin_token": hidden(form.text, "signin_token"),
        },
        follow_redirects=False,
    )
    assert response.status_code == 303
    assert response.headers["location"] == "/console/queue"
    cookie = next(c for c in response.headers.get_list("set-cookie") if "exdesk_session=" in c)
    assert "HttpOnly" in cookie
    assert "SameSite=strict" in cookie
    assert "Secure" not in cookie  # plain http in tests; https (or 'always') makes it Secure
    page = console.get("/console/queue")
    assert page.status_code == 200
    assert "rita · cs_rep" in page.text
    assert page.headers["content-security-policy"].startswith("default-src 'self'")


def test_the_password_is_stored_as_an_argon2_hash(loaded_desk: ExceptionDesk) -> None:
    person(loaded_desk, "rita", "cs_rep")
    with loaded_desk.db.connection() as conn:
        row = conn.execute("SELECT password_hash FROM console_users").fetchone()
    assert row is not None
    assert row["password_hash"].startswith("$argon2id$")
    assert PASSWORD not in row["password_hash"]


def test_a_wrong_password_and_an_unknown_user_get_the_same_answer(
    console: TestClient, loaded_desk: ExceptionDesk
) -> None:
    person(loaded_desk, "rita", "cs_rep")
    wrong = sign_in(console, "rita", "not the password")
    unknown = sign_in(console, "nobody", "not the password")
    assert wrong.status_code == unknown.status_code == 401
    assert "The user name or password is wrong." in wrong.text
    assert "The user name or password is wrong." in unknown.text


def test_repeated_failures_lock_the_user_even_with_the_right_password(
    console: TestClient, loaded_desk: ExceptionDesk
) -> None:
    person(loaded_desk, "rita", "cs_rep")
    for _ in range(LOCK_AFTER):
        assert sign_in(console, "rita", "guess").status_code == 401
    locked = sign_in(console, "rita")
    assert locked.status_code == 401
    assert "too many failed sign-ins" in locked.text.lower()


def test_a_user_of_another_tenant_cannot_sign_in_here(
    console: TestClient, loaded_desk: ExceptionDesk
) -> None:
    person(loaded_desk, "rita", "cs_rep", tenant="globex")
    assert sign_in(console, "rita").status_code == 401
    assert sign_in(console, "rita", tenant="globex").status_code == 200


def test_sign_out_ends_the_session_and_needs_the_forms_token(
    console: TestClient, loaded_desk: ExceptionDesk
) -> None:
    person(loaded_desk, "rita", "cs_rep")
    page = sign_in(console, "rita")
    token = console.cookies.get("exdesk_session")
    forged = console.post("/console/sign-out", data={"csrf_token": "forged"})
    assert forged.status_code == 400
    assert console.get("/console/queue", follow_redirects=False).status_code == 200
    console.post("/console/sign-out", data={"csrf_token": hidden(page.text, "csrf_token")})
    console.cookies.set("exdesk_session", token or "")
    assert console.get("/console/queue", follow_redirects=False).status_code == 303


def test_disabling_a_user_ends_their_open_session(
    console: TestClient, loaded_desk: ExceptionDesk
) -> None:
    person(loaded_desk, "rita", "cs_rep")
    sign_in(console, "rita")
    disable(loaded_desk.db, TENANT, "Rita")
    assert console.get("/console/queue", follow_redirects=False).status_code == 303
    assert sign_in(console, "rita").status_code == 401
