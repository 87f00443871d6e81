"""Leaderboard fixtures: a clock to award points at chosen moments, and an award helper."""

import itertools
from datetime import datetime

import pytest

from app.extensions import db
from app.leaderboards import live
from app.points import ledger

_keys = itertools.count(1)


@pytest.fixture(autouse=True)
def quiet_live_state():
    """Each test starts with no hint recently sent (rooms are named by ids, which the next test reuses)."""
    live.reset()
    yield
    live.reset()


class Clock:
    """Sets "now" for the ledger (when an entry is made) and for the boards (which period is current)."""

    def __init__(self, monkeypatch):
        self.monkeypatch = monkeypatch

    def set(self, moment: datetime) -> None:
        self.monkeypatch.setattr("app.points.ledger.utcnow", lambda: moment)
        self.monkeypatch.setattr("app.leaderboards.periods.utcnow", lambda: moment)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


def award(person, points: int, *, commit: bool = True, source_type: str = "api"):
    """Points from a store system (no deciding person, so no daily cap)."""
    result = ledger.award(person, points, source_type=source_type, reason="Good sale",
                          idempotency_key=f"board-test:{next(_keys)}")
    if commit:
        db.session.commit()
    return result.entry
