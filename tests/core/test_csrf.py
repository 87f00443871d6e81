"""CSRF: form and htmx posts need the session's token; the token lasts as long as the session."""

import html
import json
import re
import time

import pytest
import sqlalchemy as sa
from itsdangerous import SignatureExpired, TimestampSigner, URLSafeTimedSerializer

from app.config import settings_from_environment
from app.core.audit import AuditEntry
from app.extensions import db
from app.org.models import Person
from tests.core.support import https_app

HX_HEADERS = re.compile(r"""<body[^>]*\shx-headers='(?P<json>[^']*)'""")


def page_csrf_header(client, path: str = "/me") -> dict[str, str]:
    """The header htmx sends with every request, read from the page as the browser would."""
    response = client.get(path)
    assert response.status_code == 200
    match = HX_HEADERS.search(response.get_data(as_text=True))
    assert match, "no hx-headers on <body>"
    headers = json.loads(html.unescape(match.group("json")))
    assert set(headers) == {"X-CSRFToken"} and headers["X-CSRFToken"]
    return headers


def locale_of(person_id: int) -> str:
    db.session.rollback()
    return db.session.scalar(sa.select(Person.locale).where(Person.id == person_id))


def audit_count() -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))


def test_form_post_without_token_is_refused_and_changes_nothing(client, auth, org):
    auth.login(org.staff)
    response = client.post("/me/language", data={"locale": "it"}, csrf=False)
    assert response.status_code == 400
    assert locale_of(org.staff.id) == "en"

    # The same form with its token goes through.
    assert client.post("/me/language", data={"locale": "it"}).status_code == 303
    assert locale_of(org.staff.id) == "it"


def test_deactivation_without_token_is_refused_and_changes_nothing(client, auth, org):
    auth.login(org.sm)
    audits = audit_count()
    response = client.post(f"/people/{org.staff.id}/active", data={"active": "0"}, csrf=False)
    assert response.status_code == 400
    db.session.rollback()
    assert db.session.get(Person, org.staff.id).active is True
    assert audit_count() == audits


def test_a_forged_token_is_refused(client, auth, org):
    auth.login(org.staff)
    response = client.post("/me/language", data={"locale": "it", "csrf_token": "forged.token.value"},
                           csrf=False)
    assert response.status_code == 400
    assert locale_of(org.staff.id) == "en"


def test_htmx_post_without_token_is_refused(client, auth, org):
    auth.login(org.staff)
    response = client.post("/me/language", data={"locale": "it"}, headers={"HX-Request": "true"},
                           csrf=False)
    assert response.status_code == 400
    assert locale_of(org.staff.id) == "en"


def test_htmx_post_with_the_header_from_the_page_succeeds(client, auth, org):
    auth.login(org.staff)
    headers = {"HX-Request": "true", **page_csrf_header(client)}
    response = client.post("/me/language", data={"locale": "it"}, headers=headers, csrf=False)
    assert response.status_code == 303
    assert locale_of(org.staff.id) == "it"


def test_a_token_from_another_session_is_refused(app, client, auth, org):
    auth.login(org.staff)
    other_device = app.test_client()
    assert other_device.post("/login", data={"identifier": org.colleague.email,
                                             "password": "correct horse battery"}).status_code == 303
    stolen = page_csrf_header(other_device)
    response = client.post("/me/language", data={"locale": "it"},
                           headers={"HX-Request": "true", **stolen}, csrf=False)
    assert response.status_code == 400
    assert locale_of(org.staff.id) == "en"


# The token lives as long as the session ---------------------------------------------------------

class _TenHoursAgoSigner(TimestampSigner):
    def get_timestamp(self) -> int:
        return int(time.time()) - 10 * 3600


def _token_signed_hours_ago(client) -> str:
    """The session's own CSRF token, signed as if the page had been drawn ten hours ago."""
    with client.session_transaction() as session:
        raw = session["csrf_token"]
    secret = client.application.secret_key
    token = URLSafeTimedSerializer(secret, salt="wtf-csrf-token", signer=_TenHoursAgoSigner).dumps(raw)
    # Honest check that the token really is old: with Flask-WTF's default one-hour limit it has expired.
    with pytest.raises(SignatureExpired):
        URLSafeTimedSerializer(secret, salt="wtf-csrf-token").loads(token, max_age=3600)
    return token


def test_csrf_tokens_do_not_expire_by_default(tmp_path):
    assert settings_from_environment(str(tmp_path))["WTF_CSRF_TIME_LIMIT"] is None


def test_a_page_left_open_for_hours_can_still_post(app, client, auth, org):
    assert app.config["WTF_CSRF_TIME_LIMIT"] is None
    auth.login(org.staff)
    page_csrf_header(client)  # the page that was left open
    token = _token_signed_hours_ago(client)
    response = client.post("/me/language", data={"locale": "it"},
                           headers={"HX-Request": "true", "X-CSRFToken": token}, csrf=False)
    assert response.status_code == 303
    assert locale_of(org.staff.id) == "it"


def test_with_a_time_limit_the_same_old_token_would_be_refused(app, client, auth, org):
    """The control for the test above: the old token is refused only because of the time limit."""
    app.config["WTF_CSRF_TIME_LIMIT"] = 3600
    auth.login(org.staff)
    page_csrf_header(client)
    token = _token_signed_hours_ago(client)
    response = client.post("/me/language", data={"locale": "it"},
                           headers={"HX-Request": "true", "X-CSRFToken": token}, csrf=False)
    assert response.status_code == 400
    assert locale_of(org.staff.id) == "en"


# Over HTTPS Flask-WTF also wants a same-origin Referer --------------------------------------------

def test_over_https_a_post_needs_a_same_origin_referer(database_url, tmp_path, monkeypatch, app, org):
    with https_app(database_url, tmp_path, monkeypatch) as secure_app:
        client = secure_app.test_client()
        login = {"identifier": org.staff.email, "password": "correct horse battery"}
        assert client.post("https://ascent.test/login", data=dict(login)).status_code == 400
        assert client.post("https://ascent.test/login", data=dict(login),
                           headers={"Referer": "https://evil.test/login"}).status_code == 400
        assert client.post("https://ascent.test/login", data=dict(login),
                           headers={"Referer": "https://ascent.test/login"}).status_code == 303
