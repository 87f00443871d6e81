"""One route, two renderings: the whole page, or for an htmx swap only the fragment it replaces."""

from urllib.parse import parse_qs, urlsplit

import pytest

from app.auth import services as auth_services
from app.core.htmx import is_fragment_request
from app.extensions import db
from tests.core.support import sign_in

SWAP = {"HX-Request": "true"}
BOOSTED = {"HX-Request": "true", "HX-Boosted": "true"}
HISTORY_RESTORE = {"HX-Request": "true", "HX-History-Restore-Request": "true"}


def is_full_page(body: str) -> bool:
    return body.lstrip().lower().startswith("<!doctype html>") and "</html>" in body


@pytest.mark.parametrize(("headers", "fragment"), [
    ({}, False),
    (SWAP, True),
    (BOOSTED, False),  # boosted navigation swaps the whole <body>
    (HISTORY_RESTORE, False),  # a history miss reloads the whole page
    ({"HX-Request": "false"}, False),
])
def test_is_fragment_request(app, headers, fragment):
    with app.test_request_context("/people", headers=headers):
        assert is_fragment_request() is fragment


def test_a_page_is_whole_for_a_normal_request(client, org):
    sign_in(client, org.admin)
    response = client.get("/people")
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert is_full_page(body)
    assert '<nav class="tabs"' in body
    assert 'id="people-results"' in body  # the fragment, included in the page
    assert org.other_staff.full_name in body


def test_an_htmx_swap_gets_only_the_fragment(client, org):
    sign_in(client, org.admin)
    response = client.get("/people?q=Rita", headers=SWAP)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert not is_full_page(body)
    assert "<nav" not in body and "<head" not in body and 'id="people-results"' not in body
    assert org.other_staff.full_name in body  # the filtered results themselves
    assert org.staff.full_name not in body


@pytest.mark.parametrize("headers", [BOOSTED, HISTORY_RESTORE], ids=["boosted", "history-restore"])
def test_boosted_and_history_requests_get_the_whole_page(client, org, headers):
    sign_in(client, org.admin)
    response = client.get("/people", headers=headers)
    body = response.get_data(as_text=True)
    assert response.status_code == 200
    assert is_full_page(body)
    assert '<nav class="tabs"' in body


def test_the_audit_log_renders_its_rows_alone_for_a_swap(client, org):
    org.staff.password_hash = None  # invites are only for people who never set a password
    auth_services.issue_invite(org.staff, issued_by=org.admin, valid_days=14)
    db.session.commit()
    sign_in(client, org.admin)
    page = client.get("/audit").get_data(as_text=True)
    rows = client.get("/audit", headers=SWAP).get_data(as_text=True)
    assert is_full_page(page) and "invite.issued" in page
    assert not is_full_page(rows) and "invite.issued" in rows


@pytest.mark.parametrize("path", ["/people", "/login", "/", "/no-such-page"])
@pytest.mark.parametrize("headers", [{}, SWAP], ids=["plain", "htmx"])
def test_responses_vary_on_hx_request(client, org, path, headers):
    """A cache must never hand a fragment to a full-page request or the other way round."""
    sign_in(client, org.admin)
    response = client.get(path, headers=headers)
    assert "HX-Request" in response.vary


def _expire_sessions(person) -> None:
    """The person signed out on another device: every session issued so far stops working."""
    auth_services.end_all_sessions(person)
    db.session.commit()


def _login_redirect(location: str, expected_next: str | None) -> None:
    parts = urlsplit(location)
    assert parts.path == "/login"
    next_values = parse_qs(parts.query).get("next")
    if expected_next is None:
        assert next_values is None
    else:
        assert next_values and urlsplit(next_values[0]).path == expected_next


def test_an_expired_session_on_an_htmx_request_gets_401_and_hx_redirect(client, auth, org):
    auth.login(org.sm)
    assert client.get("/people", headers=SWAP).status_code == 200
    _expire_sessions(org.sm)

    response = client.get("/people?q=Sara", headers=SWAP)
    assert response.status_code == 401
    _login_redirect(response.headers["HX-Redirect"], "/people")
    assert response.get_data(as_text=True) == ""  # nothing to swap into the page


def test_an_expired_session_on_an_htmx_post_gets_401_and_hx_redirect(client, auth, org):
    auth.login(org.staff)
    _expire_sessions(org.staff)
    response = client.post("/me/language", data={"locale": "it"}, headers=SWAP)
    assert response.status_code == 401
    _login_redirect(response.headers["HX-Redirect"], None)  # a POST is not replayed after sign-in
    db.session.rollback()
    assert org.staff.locale == "en"


def test_an_expired_session_on_a_normal_request_is_redirected(client, auth, org):
    auth.login(org.sm)
    _expire_sessions(org.sm)
    response = client.get("/people")
    assert response.status_code == 302
    assert "HX-Redirect" not in response.headers
    _login_redirect(response.headers["Location"], "/people")


def test_an_anonymous_htmx_request_gets_401_and_hx_redirect(client, org):
    response = client.get("/people", headers=SWAP)
    assert response.status_code == 401
    _login_redirect(response.headers["HX-Redirect"], "/people")
