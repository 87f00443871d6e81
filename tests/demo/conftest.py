"""Fixtures for the demo data tests."""

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


@pytest.fixture(autouse=True)
def points_history(monkeypatch):
    """`flask demo` also writes ninety days of points through the ledger (app/demo/points.py, the
    points feature's to test). That costs many seconds of CPU, so here the call is only recorded."""
    calls = []
    monkeypatch.setattr("app.demo.cli.load_points_history", lambda: calls.append("loaded") or 0)
    return calls
