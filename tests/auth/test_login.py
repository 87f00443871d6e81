"""Signing in: e-mail or employee number, refusals that say why without leaking who exists,
same-site `next` only, the login rate limit and "keep me signed in"."""

import html
from urllib.parse import quote, urlsplit

import pytest

from app.extensions import db
from tests import factories

NO_MATCH = "That e-mail or employee number and password don't match."


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def signed_in_id(client) -> str | None:
    with client.session_transaction() as session:
        return session.get("_user_id")


def test_login_page_renders(client):
    response = client.get("/login")
    assert response.status_code == 200
    page = text(response)
    assert 'name="identifier"' in page and 'name="password"' in page and 'name="remember"' in page


def test_login_by_email_ignores_case(client, auth, org):
    response = auth.login("STAFF@Example.TEST")
    assert response.status_code == 303
    assert response.headers["Location"] == "/home"
    assert signed_in_id(client) == org.staff.get_id()
    home = client.get("/home")
    assert home.status_code == 200
    assert "Hello, Sara" in text(home)


def test_login_by_employee_number_records_the_time(client, auth, org):
    assert org.staff.last_login_at is None
    response = auth.login("E1001")
    assert response.status_code == 303
    assert signed_in_id(client) == org.staff.get_id()
    db.session.refresh(org.staff)
    assert org.staff.last_login_at is not None


@pytest.mark.parametrize("identifier", ["staff@example.test", "nobody@example.test"])
def test_wrong_password_or_unknown_account_is_refused_the_same_way(client, auth, org, identifier):
    response = auth.login(identifier, password="not the password")
    assert response.status_code == 422
    assert NO_MATCH in text(response)
    assert signed_in_id(client) is None
    assert client.get("/home").status_code == 302


def test_inactive_person_is_refused(client, auth, org):
    org.staff.active = False
    db.session.commit()
    response = auth.login(org.staff)
    assert response.status_code == 422
    assert NO_MATCH in text(response)
    assert signed_in_id(client) is None


def test_person_without_password_is_refused(client, auth, org):
    newcomer = factories.make_person(store=org.store, email="new@example.test", password=None)
    db.session.commit()
    response = auth.login(newcomer, password=factories.DEFAULT_PASSWORD)
    assert response.status_code == 422
    assert NO_MATCH in text(response)
    assert signed_in_id(client) is None


def test_empty_fields_say_what_is_missing(client):
    response = client.post("/login", data={"identifier": "", "password": ""})
    assert response.status_code == 422
    page = text(response)
    assert "Enter your e-mail or employee number." in page
    assert "Enter your password." in page


def test_login_without_csrf_token_is_refused(client, org):
    response = client.post("/login", data={"identifier": "E1001", "password": factories.DEFAULT_PASSWORD},
                           csrf=False)
    assert response.status_code == 400
    assert signed_in_id(client) is None


def test_signed_in_person_visiting_login_goes_home(client, sign_in, org):
    sign_in(org.staff)
    response = client.get("/login")
    assert response.status_code == 302
    assert response.headers["Location"] == "/home"


def login_with_next(client, target: str):
    return client.post(f"/login?next={quote(target, safe='')}",
                       data={"identifier": "E1001", "password": factories.DEFAULT_PASSWORD})


def test_next_keeps_a_same_site_path(client, org):
    response = login_with_next(client, "/people?q=sara&page=2")
    assert response.status_code == 303
    assert response.headers["Location"] == "/people?q=sara&page=2"


def test_next_pointing_elsewhere_lands_on_home(client, org):
    response = login_with_next(client, "https://evil.example/login")
    assert response.status_code == 303
    assert response.headers["Location"] == "/home"
    assert signed_in_id(client) == org.staff.get_id()


HOSTILE_TARGETS = [
    "https://evil.example/login",
    "//evil.example/login",
    "///evil.example",
    "/\\evil.example",
    "\\\\evil.example",
    "javascript:alert(1)",
    "evil.example/path",
    "http:/evil.example",
    " //evil.example",
    "/\t/evil.example",
]


@pytest.mark.parametrize("target", HOSTILE_TARGETS)
def test_next_never_leaves_the_site(client, target):
    """The sign-in page's language switch goes through the same check as `next` after login, and
    needs no password: every hostile target is tried here without an argon2 check each."""
    response = client.post("/language/en", data={"next": target})
    assert response.status_code == 303
    location = response.headers["Location"]
    parts = urlsplit(location)
    assert not parts.scheme and not parts.netloc
    assert location.startswith("/") and not location.startswith("//") and "\\" not in location


CRLF_TARGETS = [
    "/home\r\nSet-Cookie: planted=1",
    "/\r\n//evil.example",
    "/people\n",
    "/\x00/evil.example",
    "/\x7f",
    "/ /evil.example",
    "/\u2028/evil.example",
]


@pytest.mark.parametrize("target", CRLF_TARGETS)
def test_crlf_in_next_is_never_a_500_nor_a_redirect_away(client, target):
    response = client.post("/language/en", data={"next": target})
    assert response.status_code == 303
    assert response.headers["Location"] == "/home"
    assert "planted" not in response.headers.get("Set-Cookie", "")


def test_crlf_in_next_after_login_lands_on_home(client, org):
    response = login_with_next(client, "/home\r\nLocation: https://evil.example")
    assert response.status_code == 303
    assert response.headers["Location"] == "/home"
    assert signed_in_id(client) == org.staff.get_id()


def test_crlf_in_next_the_check_keeps_encoded_characters(app):
    """Percent-encoded CR/LF are just characters of a same-site path; only raw ones are refused."""
    from app.auth.routes import safe_next

    with app.test_request_context():
        assert safe_next("/people?q=a%0D%0Ab") == "/people?q=a%0D%0Ab"
        assert safe_next("/people?q=a\r\nb") == "/home"
        assert safe_next(None) == "/home"
        assert safe_next("/x" * 1500) == "/home"


def test_next_keeps_same_site_paths_on_the_language_switch(client):
    response = client.post("/language/it", data={"next": "/login?next=/people"})
    assert response.headers["Location"] == "/login?next=/people"
    with client.session_transaction() as session:
        assert session["locale"] == "it"


def test_rate_limit_default_is_ten_per_minute(app, client, org):
    assert app.config["LOGIN_RATE_LIMIT"] == "10 per minute;50 per hour"
    # Blank passwords fail form validation before any argon2 work, so ten attempts stay cheap.
    for _ in range(10):
        assert client.post("/login", data={"identifier": "E1001", "password": ""}).status_code == 422
    assert client.post("/login", data={"identifier": "E1001", "password": ""}).status_code == 429


def test_rate_limit_refuses_even_the_right_password(app, client, org):
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    for _ in range(3):
        assert client.post("/login", data={"identifier": "E1001", "password": ""}).status_code == 422
    response = client.post("/login", data={"identifier": "E1001", "password": factories.DEFAULT_PASSWORD})
    assert response.status_code == 429
    assert "Too many attempts" in text(response)
    assert signed_in_id(client) is None


def test_rate_limit_counts_posts_not_page_views(app, client, org):
    app.config["LOGIN_RATE_LIMIT"] = "2 per minute"
    for _ in range(5):
        assert client.get("/login").status_code == 200
    assert client.post("/login", data={"identifier": "E1001", "password": ""}).status_code == 422


def test_rate_limit_follows_the_account_across_addresses(app, client, org):
    """Spreading guesses for one account over many IP addresses does not get around the limit."""
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    for n in range(3):
        response = client.post("/login", data={"identifier": "E1001", "password": ""},
                               environ_base={"REMOTE_ADDR": f"203.0.113.{n}"})
        assert response.status_code == 422
    blocked = client.post("/login", data={"identifier": "e1001 ", "password": ""},
                          environ_base={"REMOTE_ADDR": "203.0.113.99"})
    assert blocked.status_code == 429
    other_account = client.post("/login", data={"identifier": "E0000", "password": ""},
                                environ_base={"REMOTE_ADDR": "203.0.113.98"})
    assert other_account.status_code == 422


def test_remember_me_sets_a_lasting_cookie(app, client, auth, org):
    auth.login(org.staff, remember=True)
    cookie = client.get_cookie(app.config["REMEMBER_COOKIE_NAME"], domain="ascent.test")
    assert cookie is not None
    assert cookie.http_only
    assert cookie.expires is not None
    assert cookie.value.startswith(org.staff.get_id() + "|")

    # The remember cookie alone signs this device in again.
    device = app.test_client()
    device.set_cookie(app.config["REMEMBER_COOKIE_NAME"], cookie.value, domain="ascent.test")
    assert device.get("/home").status_code == 200


def test_without_remember_me_there_is_no_remember_cookie(app, client, auth, org):
    auth.login(org.staff)
    assert client.get_cookie(app.config["REMEMBER_COOKIE_NAME"], domain="ascent.test") is None
    session_cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"], domain="ascent.test")
    assert session_cookie is not None and session_cookie.expires is None
    assert session_cookie.http_only and session_cookie.same_site == "Lax"


def test_employee_number_is_not_case_sensitive(client, auth, org):
    response = auth.login("e1001")
    assert response.status_code == 303
    assert client.get("/home").status_code == 200
