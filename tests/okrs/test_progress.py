"""Progress rules: key results, weighted roll-up, KPI-linked key results that move by themselves."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.kpis.aggregation import period_bounds
from app.kpis.models import KpiMeasurement
from app.okrs.models import Objective
from app.okrs.progress import evaluate, key_result_progress, objective_options, weighted_progress, worst_confidence


def _evaluate(*objectives, today=None):
    db.session.expire_all()
    loaded = list(db.session.scalars(sa.select(Objective).options(*objective_options())
                                     .where(Objective.id.in_([o.id for o in objectives]))))
    return evaluate(loaded, today or date.today())


@pytest.mark.parametrize(("kind", "start", "target", "current", "expected"), [
    ("number", 0, 100, 25, 0.25),
    ("number", 20, 120, 70, 0.5),
    ("number", 0, 100, 150, 1.0),      # past the target: capped
    ("number", 0, 100, -5, 0.0),       # below the start: floored
    ("number", 40, 25, 34, 0.4),       # lower is better: 40 → 25, now 34 is 6 of 15 = 0.4
    ("number", 40, 25, 45, 0.0),       # lower is better, got worse
    ("number", 40, 25, 20, 1.0),       # lower is better, beaten
    ("percentage", 10, 20, 12.5, 0.25),
    ("currency", 1000, 3000, 2000, 0.5),
    ("boolean", 0, 1, 0, 0.0),
    ("boolean", 0, 1, 1, 1.0),
    ("number", 0, 100, None, 0.0),     # nothing yet
])
def test_key_result_progress(kind, start, target, current, expected):
    assert key_result_progress(kind, start, target, current) == pytest.approx(expected)


def test_weighted_progress_and_worst_confidence():
    assert weighted_progress([(1, 0.5), (3, 1.0)]) == pytest.approx(0.875)
    assert weighted_progress([]) is None
    assert worst_confidence(["on_track", None, "at_risk"]) == "at_risk"
    assert worst_confidence(["at_risk", "off_track", "on_track"]) == "off_track"
    assert worst_confidence([None]) is None


def test_objective_rolls_up_key_results_by_weight(app, goals):
    objective = goals.objective()
    # 0.5 × weight 1, 0.25 × weight 2, done × weight 1: (0.5 + 0.5 + 1) / 4 = 0.5
    goals.kr(objective, title="Half", start=0, target=10, current=5, weight=1)
    goals.kr(objective, title="Quarter", start=100, target=200, current=125, weight=2)
    goals.kr(objective, title="Launched", kind="boolean", start=0, target=1, current=1, weight=1)
    db.session.commit()

    view = _evaluate(objective)[objective.id]

    assert [round(kr.progress, 3) for kr in view.key_results] == [0.5, 0.25, 1.0]
    assert view.progress == pytest.approx(0.5)
    assert view.percent == 50


def test_parent_without_key_results_averages_its_children(app, org, goals):
    company = goals.objective(title="Company")
    one = goals.objective("district", title="North", district=org.district, parent=company)
    two = goals.objective("district", title="South", district=org.other_district, parent=company)
    goals.kr(one, current=80)  # 0.8
    goals.kr(two, current=20, weight=5)  # 0.2 (weights inside a child don't weigh children)
    bad = goals.kr(two, current=20)
    goals.check_in(bad, "off_track")
    db.session.commit()

    views = _evaluate(company, one, two)

    assert views[company.id].progress == pytest.approx(0.5)
    assert views[company.id].confidence == "off_track"
    assert [child.objective.title for child in views[company.id].children] == ["South", "North"]  # worst first


def test_roll_up_counts_children_the_viewer_was_not_given(app, org, goals):
    company = goals.objective(title="Company")
    child = goals.objective("district", title="North", district=org.district, parent=company)
    goals.kr(child, current=30)
    db.session.commit()

    views = _evaluate(company)

    assert views[company.id].progress == pytest.approx(0.3)
    assert views[company.id].children == []


def test_latest_check_in_sets_the_confidence(app, goals):
    objective = goals.objective()
    kr = goals.kr(objective)
    goals.check_in(kr, "off_track")
    goals.check_in(kr, "on_track")
    db.session.commit()

    view = _evaluate(objective)[objective.id]

    assert view.key_results[0].confidence == "on_track"
    assert view.confidence == "on_track"


def _measure(kpi, store, day, value):
    db.session.add(KpiMeasurement(kpi_id=kpi.id, store_id=store.id, day=day, value=value, source="form"))


def test_kpi_linked_key_result_moves_when_a_measurement_arrives(app, org, goals, kpi_library):
    conversion = kpi_library["conversion_rate"]
    start, end = period_bounds("quarter", date.today())
    store_goal = goals.objective("store", title="Convert more", store=org.store)
    kr = goals.kr(store_goal, kind="kpi", kpi=conversion, start=10, target=20, current=None)
    db.session.commit()

    before = _evaluate(store_goal)[store_goal.id]
    assert before.key_results[0].current is None
    assert before.progress == 0

    _measure(kpi_library["footfall"], org.store, start, 1000)
    _measure(kpi_library["transactions"], org.store, start, 150)
    _measure(kpi_library["footfall"], org.sibling_store, start, 1000)  # another store: not counted
    _measure(kpi_library["transactions"], org.sibling_store, start, 500)
    db.session.commit()

    after = _evaluate(store_goal)[store_goal.id]
    assert after.key_results[0].current == pytest.approx(15.0)  # 150 ÷ 1000 × 100
    assert after.progress == pytest.approx(0.5)  # 10 → 20, now 15
    assert kr.current_value is None  # computed on read, never stored


def test_kpi_scope_follows_the_level(app, org, goals, kpi_library):
    sales = kpi_library["sales"]
    start, _end = period_bounds("quarter", date.today())
    company = goals.objective(title="Company")
    district = goals.objective("district", district=org.district, parent=company)
    person = goals.objective("person", person=org.staff)
    for objective in (company, district, person):
        goals.kr(objective, kind="kpi", kpi=sales, start=0, target=1000, current=None)
    for store, value in ((org.store, 100), (org.sibling_store, 200), (org.other_store, 400)):
        _measure(sales, store, start, value)
    db.session.commit()

    views = _evaluate(company, district, person)

    assert views[company.id].key_results[0].current == 700  # every store
    assert views[district.id].key_results[0].current == 300  # the district's stores
    assert views[person.id].key_results[0].current == 100  # the person's store


def test_kpi_values_stop_at_today_and_wait_for_the_period(app, org, goals, kpi_library):
    sales = kpi_library["sales"]
    today = date.today()
    future = goals.objective("store", store=org.store, start=today + timedelta(days=10),
                             end=today + timedelta(days=40))
    goals.kr(future, kind="kpi", kpi=sales, start=0, target=10, current=None)
    _measure(sales, org.store, today, 5)
    db.session.commit()

    view = _evaluate(future)[future.id]

    assert view.key_results[0].current is None
    assert view.progress == 0
