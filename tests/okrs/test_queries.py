"""The public query for reviews, quarters, and the demo cascade."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.kpis.aggregation import period_bounds
from app.okrs.models import Objective
from app.okrs.queries import parse_quarter, results_for_person


def test_results_for_person(app, org, goals):
    start, end = period_bounds("quarter", date.today())
    mine = goals.objective("person", title="Learn the till", person=org.staff, owner=org.staff)
    goals.check_in(goals.kr(mine, title="Transactions", start=0, target=50, current=25), "at_risk", org.staff)
    goals.kr(mine, title="Course", kind="boolean", start=0, target=1, current=1, weight=3)
    store = goals.objective("store", title="Duomo greets", store=org.store, owner=org.sm)
    goals.kr(store, title="Greeting", kind="currency", start=0, target=1000, current=100)
    goals.objective("store", title="Monza", store=org.sibling_store)  # not their store
    goals.objective("person", title="Colleague's", person=org.colleague)
    goals.objective("person", title="Last year", person=org.staff, start=date(2020, 1, 1), end=date(2020, 3, 31))
    db.session.commit()

    results = results_for_person(org.staff.id, start, end)

    assert [(r.title, r.level) for r in results] == [("Learn the till", "person"), ("Duomo greets", "store")]
    first = results[0]
    assert first.progress == pytest.approx((0.5 + 3 * 1) / 4)
    assert first.confidence == "at_risk"
    assert [(kr.title, kr.current, kr.target, kr.progress) for kr in first.key_results] == [
        ("Transactions", "25", "50", 0.5), ("Course", "Done", "Done", 1.0)]
    assert results[1].key_results[0].current.startswith("€")
    assert results_for_person(999999, start, end) == []


def test_parse_quarter(app):
    assert parse_quarter("2026-Q4", date(2020, 1, 1)).start == date(2026, 10, 1)
    assert parse_quarter("2026-Q4", date(2020, 1, 1)).end == date(2026, 12, 31)
    assert parse_quarter("nonsense", date(2026, 5, 3)).key == "2026-Q2"
    assert parse_quarter("2026-Q9", date(2026, 5, 3)).previous.key == "2026-Q1"


def test_demo_cascade_loads_once(app):
    from app.okrs.demo import load_okrs
    from app.org.demo import load_org

    load_org()
    load_okrs()
    db.session.commit()
    count = db.session.scalar(sa.select(sa.func.count()).select_from(Objective))
    levels = set(db.session.scalars(sa.select(Objective.level)))
    load_okrs()
    db.session.commit()

    assert levels == {"company", "district", "store", "person"}
    assert count == db.session.scalar(sa.select(sa.func.count()).select_from(Objective))
    dm_store_goals = db.session.scalars(sa.select(Objective).where(Objective.level == "store")).all()
    assert all(goal.parent.level == "district" and goal.parent.parent.level == "company" for goal in dm_store_goals)
