"""Sessions end for real: a fresh session at sign-in, and cookies captured before logout, a password
change or a deactivation stop working (the session carries "<id>.<session_version>")."""

import html

from app.auth import services
from app.extensions import db
from app.org import services as org_services
from tests import factories


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def copy_cookie(app, source, name: str):
    """A second device holding a copy of `source`'s cookie (what a thief or a shared PC would have)."""
    cookie = source.get_cookie(name, domain="ascent.test")
    assert cookie is not None, f"no {name} cookie to copy"
    device = app.test_client()
    device.set_cookie(name, cookie.value, domain="ascent.test")
    return device


def assert_sent_to_login(response):
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_values_planted_before_login_are_gone_after(client, auth, org):
    with client.session_transaction() as session:
        session["planted"] = "attacker-chosen"
        session["_user_id"] = "not-a-real-user"
        session["locale"] = "it"
    auth.login(org.staff)
    with client.session_transaction() as session:
        assert "planted" not in session
        assert session["_user_id"] == org.staff.get_id()
        assert session["locale"] == "it"  # the language picked on the sign-in page is kept


def test_logout_signs_out_and_says_so(client, auth, sign_in, org):
    sign_in(org.staff)
    response = client.post("/logout", follow_redirects=True)
    assert response.status_code == 200
    assert response.request.path == "/login"
    assert "You are signed out." in text(response)
    assert_sent_to_login(client.get("/home"))


def test_logout_needs_a_post_with_csrf(client, sign_in, org):
    sign_in(org.staff)
    assert client.get("/logout").status_code == 405
    assert client.post("/logout", csrf=False).status_code == 400
    assert client.get("/home").status_code == 200


def test_session_cookie_captured_before_logout_stops_working(app, client, auth, org):
    auth.login(org.staff)
    thief = copy_cookie(app, client, app.config["SESSION_COOKIE_NAME"])
    assert thief.get("/home").status_code == 200

    auth.logout()
    assert_sent_to_login(thief.get("/home"))


def test_remember_cookie_captured_before_logout_stops_working(app, client, auth, org):
    auth.login(org.staff, remember=True)
    thief = copy_cookie(app, client, app.config["REMEMBER_COOKIE_NAME"])
    assert thief.get("/home").status_code == 200  # the remember cookie alone signs in

    auth.logout()
    late_thief = copy_cookie(app, thief, app.config["REMEMBER_COOKIE_NAME"])
    assert_sent_to_login(late_thief.get("/home"))
    assert_sent_to_login(thief.get("/home"))


def test_logout_ends_the_session_on_every_device(app, client, auth, sign_in, org):
    sign_in(org.staff)
    phone = sign_in(org.staff, into=app.test_client())
    assert phone.get("/home").status_code == 200

    auth.logout()
    assert_sent_to_login(phone.get("/home"))


def test_password_change_ends_other_sessions_and_keeps_this_one(app, client, auth, org):
    auth.login(org.staff, remember=True)
    other_session = copy_cookie(app, client, app.config["SESSION_COOKIE_NAME"])
    other_remember = copy_cookie(app, client, app.config["REMEMBER_COOKIE_NAME"])

    response = client.post("/me/password", data={"current_password": factories.DEFAULT_PASSWORD,
                                                  "password": "a brand new passphrase",
                                                  "confirm": "a brand new passphrase"})
    assert response.status_code == 303
    assert client.get("/home").status_code == 200
    assert_sent_to_login(other_session.get("/home"))
    assert_sent_to_login(other_remember.get("/home"))


def test_deactivation_ends_every_session(app, client, auth, org):
    auth.login(org.staff, remember=True)
    other_remember = copy_cookie(app, client, app.config["REMEMBER_COOKIE_NAME"])

    org_services.set_active(org.hr, org.staff, False)
    db.session.commit()

    assert_sent_to_login(client.get("/home"))
    assert_sent_to_login(other_remember.get("/home"))


def test_a_session_naming_an_old_version_is_refused(client, org):
    stale = f"{org.staff.id}.{org.staff.session_version}"
    services.end_all_sessions(org.staff)
    db.session.commit()
    with client.session_transaction() as session:
        session["_user_id"] = stale
    assert_sent_to_login(client.get("/home"))

    with client.session_transaction() as session:
        session["_user_id"] = org.staff.get_id()
    assert client.get("/home").status_code == 200


def test_expired_session_on_an_htmx_request_redirects_the_whole_page(client, org):
    response = client.htmx_get("/people")
    assert response.status_code == 401
    assert response.headers["HX-Redirect"].startswith("/login")


def test_signed_out_page_request_remembers_where_it_was_going(client, org):
    response = client.get("/people?q=sara")
    assert response.status_code == 302
    assert response.headers["Location"] == "/login?next=/people?q%3Dsara"
