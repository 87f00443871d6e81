"""Fixtures for the home page tests."""

import pytest
from flask import g, request_started, request_tearing_down


@pytest.fixture(autouse=True)
def fresh_request_globals(app):
    """Every request starts and ends with an empty `g`, as it does in production.

    tests/conftest.py keeps one app context open for the whole test and Flask reuses it for each
    request, so Flask-Login's cached user, Babel's locale and the CSRF token would otherwise leak from
    one request, and one client, to the next: a client without any cookie would count as signed in."""

    def clear(_sender, **_extra):
        for name in list(g):
            g.pop(name)

    request_started.connect(clear, app)
    request_tearing_down.connect(clear, app)
    yield
    request_started.disconnect(clear, app)
    request_tearing_down.disconnect(clear, app)


@pytest.fixture
def sign_in(client):
    """Sign a person in by writing Flask-Login's session directly. A real sign-in costs an argon2
    check (~0.1 s); tests/auth covers that path, and these screens only need someone signed in."""

    def _sign_in(person, into=None):
        target = into or client
        with target.session_transaction() as session:
            session["_user_id"] = person.get_id()
            session["_fresh"] = True
        return target

    return _sign_in
