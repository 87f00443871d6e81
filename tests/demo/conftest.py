"""Shared fixtures live in tests/conftest.py (fresh `g` per request, `sign_in`)."""

import pytest


@pytest.fixture(autouse=True)
def points_history(monkeypatch):
    """`flask demo` also writes ninety days of points through the ledger (app/points/demo.py, tested in
    tests/points). That costs many seconds of CPU, so here the call is only recorded."""
    calls = []
    monkeypatch.setattr("app.points.demo.load_points_history", lambda: calls.append("loaded") or 0)
    return calls
