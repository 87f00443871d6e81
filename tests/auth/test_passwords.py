"""Changing a password, and the rules and hashing behind every password."""

import html

import pytest
import sqlalchemy as sa
from argon2 import PasswordHasher

from app.auth import passwords, services
from app.core.audit import AuditEntry
from app.core.errors import ServiceError
from app.extensions import db
from tests import factories

NEW_PASSWORD = "a brand new passphrase"


def text(response) -> str:
    return html.unescape(response.get_data(as_text=True))


def change(client, current=factories.DEFAULT_PASSWORD, password=NEW_PASSWORD, confirm=NEW_PASSWORD):
    return client.post("/me/password", data={"current_password": current, "password": password,
                                             "confirm": confirm})


def test_change_password_page_needs_sign_in(client):
    response = client.get("/me/password")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login")


def test_change_password_page_renders(client, sign_in, org):
    sign_in(org.staff)
    response = client.get("/me/password")
    assert response.status_code == 200
    assert 'name="current_password"' in text(response)


def test_wrong_current_password_says_so_and_changes_nothing(client, sign_in, org):
    sign_in(org.staff)
    before = (org.staff.password_hash, org.staff.session_version)
    response = change(client, current="not my password")
    assert response.status_code == 422
    assert "Your current password is not right." in text(response)
    db.session.refresh(org.staff)
    assert (org.staff.password_hash, org.staff.session_version) == before
    assert client.get("/home").status_code == 200
    assert db.session.scalar(sa.select(sa.func.count(AuditEntry.id))) == 0


@pytest.mark.parametrize(("password", "confirm", "message"), [
    ("short", "short", "Use at least 8 characters."),
    (NEW_PASSWORD, "something else entirely", "The two passwords don't match."),
])
def test_a_bad_new_password_says_why_and_changes_nothing(client, sign_in, org, password, confirm, message):
    sign_in(org.staff)
    before = org.staff.password_hash
    response = change(client, password=password, confirm=confirm)
    assert response.status_code == 422
    assert message in text(response)
    db.session.refresh(org.staff)
    assert org.staff.password_hash == before


def test_success_changes_the_password_and_keeps_this_session(client, sign_in, org):
    sign_in(org.staff)
    version = org.staff.session_version
    response = change(client)
    assert response.status_code == 303
    assert response.headers["Location"] == "/me"
    me = client.get("/me")
    assert me.status_code == 200
    assert "Password changed. Other devices have been signed out." in text(me)

    db.session.refresh(org.staff)
    assert passwords.verify_password(org.staff.password_hash, NEW_PASSWORD)
    assert org.staff.session_version == version + 1
    entry = db.session.scalar(sa.select(AuditEntry))
    assert entry.action == "auth.password_changed"
    assert entry.actor_id == entry.target_id == org.staff.id


def test_the_service_refuses_a_wrong_current_password(org):
    with pytest.raises(ServiceError) as refused:
        services.change_password(org.staff, "wrong", NEW_PASSWORD, NEW_PASSWORD)
    assert refused.value.field == "current_password"


@pytest.mark.parametrize(("candidate", "problem"), [
    ("1234567", "Use at least 8 characters."),
    ("x" * 129, "Use at most 128 characters."),
    ("        ", "Choose a password that is harder to guess."),
    ("aabbaabbaabb", "Choose a password that is harder to guess."),
    ("correct horse", None),
    ("x" * 126 + "yz", None),
])
def test_password_rules(app, candidate, problem):
    with app.test_request_context():
        assert passwords.password_problem(candidate) == problem


def test_verify_refuses_missing_and_broken_hashes():
    assert passwords.verify_password(None, "anything") is False
    assert passwords.verify_password("not-a-hash", "anything") is False


def test_an_outdated_hash_is_upgraded_at_sign_in(org):
    weak = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash(factories.DEFAULT_PASSWORD)
    org.staff.password_hash = weak
    assert passwords.needs_rehash(weak)
    assert services.authenticate("E1001", factories.DEFAULT_PASSWORD) is org.staff
    assert org.staff.password_hash != weak
    assert not passwords.needs_rehash(org.staff.password_hash)
    assert passwords.verify_password(org.staff.password_hash, factories.DEFAULT_PASSWORD)
