"""A store that reaches its daily or monthly target pays its active staff once, however often the
measurements arrive."""

from calendar import monthrange
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.kpis import rewards
from app.kpis.measurements import save_measurements, store_today
from app.kpis.models import KpiTargetHit
from app.points import ledger
from app.points.models import PointEntry
from tests.kpis.conftest import target


def _kpi_entries():
    return db.session.scalars(sa.select(PointEntry).where(PointEntry.source_type == "kpi")).all()


def test_daily_target_pays_once(app, org, lib):
    today = store_today(org.store)
    days = monthrange(today.year, today.month)[1]
    target(lib["sales"], org.store, today.replace(day=1), 1000.0 * days)  # 1,000 a day
    db.session.commit()
    item = {"store": org.store.code, "kpi": "sales", "date": today.isoformat(), "value": 900}
    save_measurements([item], source="api")
    db.session.commit()  # the job runs after commit (immediately in tests)
    assert _kpi_entries() == []
    for _attempt in range(3):  # reaching it, and the same value sent again and again
        save_measurements([{**item, "value": 1200}], source="api")
        db.session.commit()
    entries = _kpi_entries()
    paid = {entry.person_id for entry in entries}
    assert paid == {org.staff.id, org.colleague.id, org.sm.id}
    assert all(entry.amount == rewards.DEFAULTS["KPI_DAILY_TARGET_POINTS"] for entry in entries)
    assert ledger.balances(org.staff.id) == (5, 5)
    hit = db.session.scalar(sa.select(KpiTargetHit))
    assert (hit.period_kind, hit.people_paid) == ("day", 3)
    assert org.sibling_staff.id not in paid


def test_ratio_daily_target_is_the_target_itself(app, org, lib):
    today = store_today(org.store)
    target(lib["conversion_rate"], org.store, today.replace(day=1), 10.0)
    db.session.commit()
    save_measurements([{"store": org.store.code, "kpi": "footfall", "date": today.isoformat(), "value": 100},
                       {"store": org.store.code, "kpi": "transactions", "date": today.isoformat(), "value": 12}],
                      source="api")
    db.session.commit()
    assert len(_kpi_entries()) == 3


def test_month_end_pays_the_month_once_with_configured_points(app, org, lib):
    app.config["KPI_MONTHLY_TARGET_POINTS"] = 30
    last_month_end = store_today(org.store).replace(day=1) - timedelta(days=1)
    start = last_month_end.replace(day=1)
    target(lib["footfall"], org.store, start, 100)
    db.session.commit()
    save_measurements([{"store": org.store.code, "kpi": "footfall", "date": start.isoformat(), "value": 60},
                       {"store": org.store.code, "kpi": "footfall", "date": last_month_end.isoformat(),
                        "value": 60}], source="csv")
    db.session.commit()
    assert rewards.check_month(org.store.id, start) == 0  # paid already when the last day arrived
    db.session.commit()
    monthly = [entry for entry in _kpi_entries() if entry.amount == 30]
    assert {entry.person_id for entry in monthly} == {org.staff.id, org.colleague.id, org.sm.id}


def test_the_periodic_job_is_idempotent(app, org, lib):
    from app.kpis.jobs import close_kpi_periods

    yesterday = store_today(org.store) - timedelta(days=1)
    target(lib["customer_satisfaction"], org.store, yesterday.replace(day=1), 4.0)
    from tests.kpis.conftest import measure

    measure(lib["customer_satisfaction"], org.store, yesterday, 4.5)
    db.session.commit()
    close_kpi_periods.call_local()
    close_kpi_periods.call_local()
    assert len(_kpi_entries()) == 3


def test_the_periodic_job_closes_each_store_on_its_own_calendar(app, org, monkeypatch):
    from app.kpis.jobs import close_kpi_periods

    # UTC+14 and UTC-11: 25 hours apart, so never on the same date whatever the hour.
    org.store.timezone, org.other_store.timezone = "Pacific/Kiritimati", "Pacific/Pago_Pago"
    db.session.commit()
    checked = {}

    def check_day(store_id, day):
        checked[store_id] = day
        return 0

    monkeypatch.setattr(rewards, "check_day", check_day)
    monkeypatch.setattr(rewards, "check_month", lambda store_id, start: 0)
    close_kpi_periods.call_local()
    assert checked[org.store.id] == store_today(org.store) - timedelta(days=1)
    assert checked[org.other_store.id] == store_today(org.other_store) - timedelta(days=1)
    assert checked[org.store.id] != checked[org.other_store.id]
