"""The app fixture empties every table, the migration's seed rows included: put the defaults back."""

import pytest
from flask import g, request_started, request_tearing_down

from app.badges.catalog import seed_builtin_badges
from app.extensions import db
from app.journey.defaults import seed_default_stages


@pytest.fixture(autouse=True)
def journey_config(app):
    seed_default_stages()
    seed_builtin_badges()
    db.session.commit()


@pytest.fixture(autouse=True)
def fresh_request_globals(app):
    """Each request starts with an empty `g`, as in production (see tests/home/conftest.py)."""

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
    """Sign in without the argon2 check (tests/auth covers that path)."""

    def _sign_in(person):
        with client.session_transaction() as session:
            session["_user_id"] = person.get_id()
            session["_fresh"] = True
        return client

    return _sign_in
