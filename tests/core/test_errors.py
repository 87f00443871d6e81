"""Error pages are real pages of the app (styled, with the tabs for signed-in people); /api/ paths get
problem+json instead of HTML."""

import pytest

from app.extensions import db
from app.org.models import Person
from tests.core.support import sign_in

STYLESHEET = '<link rel="stylesheet" href="/static/css/app.css">'
NAV = '<nav class="tabs"'


def body_of(response) -> str:
    return response.get_data(as_text=True)


def test_404_for_a_signed_in_person_is_the_styled_page_with_the_tabs(client, org):
    sign_in(client, org.staff)
    response = client.get("/no-such-page")
    body = body_of(response)
    assert response.status_code == 404
    assert response.mimetype == "text/html"
    assert STYLESHEET in body and NAV in body
    assert 'href="/me"' in body  # the staff's own tabs
    assert "We couldn&#39;t find that page." in body or "We couldn't find that page." in body
    assert 'href="/home"' in body  # "Back to home"


def test_404_for_an_anonymous_visitor_is_styled_without_tabs(client):
    response = client.get("/no-such-page")
    body = body_of(response)
    assert response.status_code == 404
    assert STYLESHEET in body
    assert NAV not in body
    assert 'href="/login"' in body


def test_404_for_a_missing_person(client, org):
    sign_in(client, org.admin)
    response = client.get("/people/987654")
    assert response.status_code == 404
    assert NAV in body_of(response)


def test_403_is_the_styled_page_that_says_why(client, org):
    sign_in(client, org.staff)
    response = client.get("/people")
    body = body_of(response)
    assert response.status_code == 403
    assert STYLESHEET in body and NAV in body
    assert "This page isn&#39;t part of your role." in body or "This page isn't part of your role." in body
    assert org.other_staff.full_name not in body


def test_405_is_a_styled_page(client, org):
    sign_in(client, org.staff)
    response = client.get("/logout")
    assert response.status_code == 405
    assert STYLESHEET in body_of(response)


def test_error_pages_are_translated(client, org):
    db.session.get(Person, org.staff.id).locale = "it"
    db.session.commit()
    sign_in(client, org.staff)
    english = "We couldn't find that page."
    body = body_of(client.get("/no-such-page"))
    assert english not in body and english.replace("'", "&#39;") not in body
    assert '<html lang="it">' in body


@pytest.mark.parametrize("path", ["/api/no-such-thing", "/api/v1/no-such-thing"])
@pytest.mark.parametrize("signed_in", [False, True], ids=["anonymous", "signed-in"])
def test_an_api_path_gets_problem_json(client, org, path, signed_in):
    if signed_in:
        sign_in(client, org.admin)
    response = client.get(path)
    assert response.status_code == 404
    assert response.mimetype == "application/problem+json"
    problem = response.get_json(force=True)
    assert problem["status"] == 404
    assert problem["title"]
    assert "<html" not in body_of(response)


def test_a_server_error_is_a_styled_page_or_problem_json(app, client, org):
    """With exceptions not propagated (as in production) a crash ends in the 500 page, or in a problem
    document under /api/, and the request's unfinished writes are rolled back."""

    def crash():
        db.session.get(Person, org.staff.id).full_name = "Half Written"
        db.session.flush()
        raise RuntimeError("boom")

    app.add_url_rule("/crash", "crash_page", crash)
    app.add_url_rule("/api/crash", "crash_api", crash)
    app.config["PROPAGATE_EXCEPTIONS"] = False
    sign_in(client, org.staff)

    page = client.get("/crash")
    assert page.status_code == 500
    assert STYLESHEET in body_of(page) and NAV in body_of(page)
    assert "boom" not in body_of(page)  # no internals shown

    api = client.get("/api/crash")
    assert api.status_code == 500
    assert api.mimetype == "application/problem+json"
    assert api.get_json(force=True)["status"] == 500

    db.session.rollback()
    assert db.session.get(Person, org.staff.id).full_name == "Sara Staff"
