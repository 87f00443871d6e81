"""KPI back-fill for payouts: a store manager back-filled KPI days as old as year 1 to collect target
payouts. Managers enter values only within the entry window (KPI_ENTRY_WINDOW_DAYS); HR, admins and the API
may still load history, but history never pays, nor does a target set after its period ended."""

from datetime import date, datetime, timedelta
from io import BytesIO

import sqlalchemy as sa

from app.extensions import db
from app.kpis import rewards
from app.kpis.measurements import save_measurements, store_today
from app.kpis.models import KpiMeasurement
from app.points.models import PointEntry
from tests.kpis.conftest import target

YEAR_ONE = date(1, 3, 31)
ENTRY_WINDOW_DAYS = 31  # the default of KPI_ENTRY_WINDOW_DAYS


def _rows():
    return db.session.scalars(sa.select(KpiMeasurement)).all()


def _kpi_points():
    return db.session.scalars(sa.select(PointEntry).where(PointEntry.source_type == "kpi")).all()


def _upload(client, lines: str):
    body = ("store,date,kpi,value\n" + lines).encode()
    return client.post("/kpis/upload", data={"file": (BytesIO(body), "kpis.csv")}, content_type="multipart/form-data")


def test_kpi_backfill_store_manager_csv_refuses_days_before_the_window(client, sign_in, org, lib):
    target(lib["footfall"], org.store, YEAR_ONE.replace(day=1), 10)
    old = store_today(org.store) - timedelta(days=ENTRY_WINDOW_DAYS + 1)
    db.session.commit()
    sign_in(org.sm)
    for day in (YEAR_ONE, old):
        response = _upload(client, f"{org.store.code},{day.isoformat()},footfall,999\n")
        assert response.status_code == 422 and "too far back" in response.get_data(as_text=True)
    assert _rows() == [] and _kpi_points() == []
    in_window = store_today(org.store) - timedelta(days=ENTRY_WINDOW_DAYS)
    assert _upload(client, f"{org.store.code},{in_window.isoformat()},footfall,999\n").status_code == 303


def test_kpi_backfill_district_manager_csv_is_held_to_the_window_too(client, sign_in, org, lib):
    sign_in(org.dm)
    response = _upload(client, f"{org.store.code},{YEAR_ONE.isoformat()},footfall,999\n")
    assert response.status_code == 422 and _rows() == []


def test_kpi_backfill_window_is_a_setting(client, app, sign_in, org, lib):
    app.config["KPI_ENTRY_WINDOW_DAYS"] = 3
    sign_in(org.sm)
    four_days_ago = store_today(org.store) - timedelta(days=4)
    response = _upload(client, f"{org.store.code},{four_days_ago.isoformat()},footfall,10\n")
    assert response.status_code == 422 and "last 3 days" in response.get_data(as_text=True)


def test_kpi_backfill_hr_loads_history_but_it_never_pays(client, sign_in, org, lib):
    target(lib["footfall"], org.store, YEAR_ONE.replace(day=1), 10)
    db.session.commit()
    sign_in(org.hr)
    response = _upload(client, f"{org.store.code},{YEAR_ONE.isoformat()},footfall,999\n")
    assert response.status_code == 303 and len(_rows()) == 1
    assert rewards.check_day(org.store.id, YEAR_ONE) == 0
    assert rewards.check_month(org.store.id, YEAR_ONE.replace(day=1)) == 0
    assert _kpi_points() == []


def test_kpi_backfill_api_loads_history_but_it_never_pays(org, lib):
    old = store_today(org.store) - timedelta(days=ENTRY_WINDOW_DAYS + 40)
    target(lib["footfall"], org.store, old.replace(day=1), 10)
    db.session.commit()
    save_measurements([{"store": org.store.code, "kpi": "footfall", "date": old.isoformat(), "value": 999}],
                      source="api")
    db.session.commit()  # the target check runs after commit
    assert len(_rows()) == 1 and _kpi_points() == []


def test_kpi_backfill_a_target_set_after_the_period_pays_nothing(org, lib):
    yesterday = store_today(org.store) - timedelta(days=1)
    target(lib["footfall"], org.store, yesterday.replace(day=1), 10, set_at=datetime.now() + timedelta(hours=1))
    db.session.commit()
    save_measurements([{"store": org.store.code, "kpi": "footfall", "date": yesterday.isoformat(), "value": 999}],
                      source="api")
    db.session.commit()
    assert _kpi_points() == []
    assert rewards.check_day(org.store.id, yesterday) == 0


def test_kpi_backfill_recent_days_still_pay(org, lib):
    yesterday = store_today(org.store) - timedelta(days=1)
    target(lib["footfall"], org.store, yesterday.replace(day=1), 10)
    db.session.commit()
    save_measurements([{"store": org.store.code, "kpi": "footfall", "date": yesterday.isoformat(), "value": 999}],
                      source="csv")
    db.session.commit()
    assert {entry.person_id for entry in _kpi_points()} == {org.staff.id, org.colleague.id, org.sm.id}
