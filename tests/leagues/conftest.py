"""League test helpers: stores with a given number of people, points earned in a given month."""

import itertools
from datetime import date, datetime

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.leagues import periods
from app.org.models import Role
from app.points import ledger
from app.points.models import PointEntry
from tests import factories

_keys = itertools.count(1)


def staffed_store(district, people: int, name: str | None = None):
    """A store with `people` active associates (no password hashing: they never sign in)."""
    store = factories.make_store(district, name=name)
    members = [factories.make_person(Role.STAFF, store=store, password=None) for _ in range(people)]
    return store, members


def earn(person, points: int, *, when: datetime | None = None) -> PointEntry:
    result = ledger.award(person, points, source_type="api", reason="Test",
                          idempotency_key=f"league-test:{next(_keys)}")
    if when is not None:
        result.entry.created_at = when
    db.session.flush()
    return result.entry


def mid_month(month: date) -> datetime:
    return datetime.combine(month.replace(day=15), datetime.min.time().replace(hour=12))


@pytest.fixture
def this_month(app) -> date:
    return periods.month_start(periods.today())


@pytest.fixture
def last_month(this_month) -> date:
    return periods.previous_month(this_month)


def memberships(season_id: int) -> dict[int, tuple[int, str]]:
    from app.leagues.models import LeagueMembership

    rows = db.session.execute(sa.select(LeagueMembership.store_id, LeagueMembership.division,
                                        LeagueMembership.movement)
                              .where(LeagueMembership.season_id == season_id))
    return {store_id: (division, movement) for store_id, division, movement in rows}
