"""Measurements come in by form, CSV and API through one service: checked item by item, all or nothing,
upserted (the same store, KPI and day again replaces), with a signal after saving."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from app.core.signals import KpiMeasurementsSaved, kpi_measurements_saved
from app.extensions import db
from app.kpis.aggregation import aggregate
from app.kpis.measurements import MeasurementErrors, save_measurements, store_today
from app.kpis.models import KpiMeasurement


def _rows():
    return db.session.execute(sa.select(KpiMeasurement.kpi_id, KpiMeasurement.store_id, KpiMeasurement.person_id,
                                        KpiMeasurement.day, KpiMeasurement.value)
                              .order_by(KpiMeasurement.id)).all()


def test_sending_twice_replaces_never_doubles(org, lib):
    today = store_today(org.store)
    item = {"store": org.store.code, "kpi": "sales", "date": today.isoformat(), "value": 1200.5}
    save_measurements([item], source="api")
    db.session.commit()
    save_measurements([item], source="api")
    save_measurements([{**item, "value": 1300}], source="api")
    db.session.commit()
    assert aggregate(lib["sales"], [org.store.id], today, today) == 1300
    assert len(_rows()) == 1
    # Per person rows live beside the store's row, and upsert the same way.
    person_item = {**item, "person": org.staff.employee_number, "value": 200}
    save_measurements([person_item, person_item], source="api")
    save_measurements([person_item], source="api")
    db.session.commit()
    assert len(_rows()) == 2
    assert aggregate(lib["sales"], [org.store.id], today, today) == 1300  # store level only


def test_signal_is_sent_per_store_and_day(org, lib):
    today = store_today(org.store)
    received = []

    def listener(_sender, *, event):
        received.append(event)

    kpi_measurements_saved.connect(listener)
    try:
        save_measurements([{"store": org.store.code, "kpi": kpi, "date": today.isoformat(), "value": 3}
                           for kpi in ("footfall", "transactions")], source="api")
    finally:
        kpi_measurements_saved.disconnect(listener)
    assert received == [KpiMeasurementsSaved(store_id=org.store.id, day=today,
                                             kpi_ids=tuple(sorted([lib["footfall"].id, lib["transactions"].id])))]


@pytest.mark.parametrize(("change", "field"), [
    ({"store": "NOPE"}, "store"), ({"kpi": "nope"}, "kpi"), ({"kpi": "conversion_rate"}, "kpi"),
    ({"value": -3}, "value"), ({"value": "12"}, "value"), ({"value": True}, "value"), ({"value": 2.5}, "value"),
    ({"date": "2026-02-30"}, "date"), ({"date": 20261120}, "date"), ({"person": "E-NOBODY"}, "person"),
    ({"extra": 1}, "item"),
])
def test_each_kind_of_nonsense_is_refused(org, lib, change, field):
    good = {"store": org.store.code, "kpi": "footfall", "date": store_today(org.store).isoformat(), "value": 10}
    with pytest.raises(MeasurementErrors) as refused:
        save_measurements([good, {**good, **change}], source="api")
    assert [(p.index, p.field) for p in refused.value.problems] == [(1, field)]
    db.session.rollback()
    assert _rows() == []


def test_future_dates_are_refused_in_the_store_time_zone(org, lib):
    tomorrow = store_today(org.store) + timedelta(days=1)
    with pytest.raises(MeasurementErrors):
        save_measurements([{"store": org.store.code, "kpi": "sales", "date": tomorrow.isoformat(), "value": 1}],
                          source="api")


def test_scope_problems_are_told_apart(org, lib):
    item = {"store": org.other_store.code, "kpi": "sales", "date": store_today(org.store).isoformat(), "value": 1}
    with pytest.raises(MeasurementErrors) as refused:
        save_measurements([item], source="csv", allowed_store_ids={org.store.id})
    assert refused.value.out_of_scope


def test_entry_form_prefills_and_replaces(client, sign_in, org, lib):
    sign_in(org.sm)  # an English reader: "," groups thousands
    page = client.get("/kpis/entry").get_data(as_text=True)
    assert 'name="footfall"' in page and 'name="conversion_rate"' not in page  # ratios are computed
    response = client.post("/kpis/entry", data={"footfall": "420", "transactions": "51", "sales": "3,120.50"})
    assert response.status_code == 303
    page = client.get("/kpis/entry").get_data(as_text=True)
    assert 'value="420"' in page and 'value="3,120.5"' in page  # reads back
    client.post("/kpis/entry", data={"footfall": "430"})
    today = store_today(org.store)
    assert aggregate(lib["footfall"], [org.store.id], today, today) == 430
    assert aggregate(lib["transactions"], [org.store.id], today, today) == 51
    response = client.post("/kpis/entry", data={"footfall": "-4", "sales": "9"})
    assert response.status_code == 422 and "can&#39;t be negative" in response.get_data(as_text=True)
    assert aggregate(lib["sales"], [org.store.id], today, today) == 3120.5  # nothing half-applied


CSV_GOOD = """store;date;kpi;value;employee_number
{store};{day};sales;1200,50;
{store};{day};footfall;300;
{store};{day};units_sold;12;{staff}
"""


def test_csv_upload_good_file(client, sign_in, org, lib):
    org.sm.locale = "it"  # an Italian Excel file ("1200,50") from an Italian reader
    db.session.commit()
    sign_in(org.sm)
    day = (store_today(org.store) - timedelta(days=1)).isoformat()
    body = CSV_GOOD.format(store=org.store.code, day=day, staff=org.staff.employee_number).encode()
    from io import BytesIO

    response = client.post("/kpis/upload", data={"file": (BytesIO(body), "kpis.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 303
    assert len(_rows()) == 3


def test_csv_upload_bad_lines_import_nothing(client, sign_in, org, lib):
    from io import BytesIO

    sign_in(org.sm)
    day = store_today(org.store).isoformat()
    body = (f"store,date,kpi,value\n{org.store.code},{day},sales,100\n{org.store.code},{day},footfall,-2\n"
            f"{org.sibling_store.code},{day},sales,5\n{org.store.code},tomorrow,sales,1\n").encode()
    response = client.post("/kpis/upload", data={"file": (BytesIO(body), "kpis.csv")},
                           content_type="multipart/form-data")
    page = response.get_data(as_text=True)
    assert response.status_code == 422
    assert "3 lines have problems" in page
    for line in ("<td class=\"num\">3</td>", "<td class=\"num\">4</td>", "<td class=\"num\">5</td>"):
        assert line in page
    assert org.sibling_store.name not in page
    assert _rows() == []


def test_csv_upload_wrong_columns(client, sign_in, org, lib):
    from io import BytesIO

    sign_in(org.sm)
    response = client.post("/kpis/upload", data={"file": (BytesIO(b"a,b\n1,2\n"), "kpis.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "Missing columns" in response.get_data(as_text=True)
