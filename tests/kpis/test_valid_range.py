"""KPIs get a valid range: a satisfaction of 12 on a 1–5 scale is refused by the form, CSV and the API, as is
a target outside the range, and copying targets with an uplift never produces 5.35 on a 1–5 scale."""

from datetime import date
from io import BytesIO

import pytest
import sqlalchemy as sa

from app.core.errors import ServiceError
from app.extensions import db
from app.kpis import defaults, targets
from app.kpis.measurements import MeasurementErrors, save_measurements, store_today
from app.kpis.models import KpiDefinition, KpiMeasurement, KpiTarget
from tests.api.conftest import make_token
from tests.kpis.conftest import target

NOV, DEC = date(2026, 11, 1), date(2026, 12, 1)


def _measurements():
    return db.session.scalars(sa.select(KpiMeasurement)).all()


def _targets():
    db.session.expire_all()
    return {(row.kpi_id, row.store_id, row.period_start): row.value for row in db.session.scalars(sa.select(KpiTarget))}


def test_kpi_valid_range_built_in_library_has_its_ranges(lib):
    assert (lib["customer_satisfaction"].min_value, lib["customer_satisfaction"].max_value) == (1.0, 5.0)
    assert (lib["conversion_rate"].min_value, lib["conversion_rate"].max_value) == (0.0, 100.0)
    assert (lib["footfall"].min_value, lib["footfall"].max_value) == (0.0, None)
    # The migration seeds what the library declares.
    from importlib import import_module

    migration = import_module("migrations.versions.0020_kpi_valid_range")
    assert migration.BUILT_IN_RANGES == defaults.RANGES


def test_kpi_valid_range_entry_form_refuses_satisfaction_12(client, sign_in, org, lib):
    sign_in(org.sm)
    response = client.post("/kpis/entry", data={"customer_satisfaction": "12", "footfall": "300"})
    page = response.get_data(as_text=True)
    assert response.status_code == 422 and "outside the valid range of Customer satisfaction" in page
    assert _measurements() == []  # the good footfall was not saved either


def test_kpi_valid_range_csv_refuses_satisfaction_12(client, sign_in, org, lib):
    sign_in(org.sm)
    day = store_today(org.store).isoformat()
    body = (f"store,date,kpi,value\n{org.store.code},{day},footfall,300\n"
            f"{org.store.code},{day},customer_satisfaction,12\n")
    response = client.post("/kpis/upload", data={"file": (BytesIO(body.encode()), "kpis.csv")},
                           content_type="multipart/form-data")
    assert response.status_code == 422 and "outside the valid range" in response.get_data(as_text=True)
    assert _measurements() == []


def test_kpi_valid_range_api_refuses_satisfaction_12_and_0(client, org, lib):
    secret = make_token().secret
    for value in (12, 0.5):
        item = {"store": org.store.code, "kpi": "customer_satisfaction",
                "date": store_today(org.store).isoformat(), "value": value}
        response = client.post("/api/v1/kpi-measurements", json={"measurements": [item]},
                               headers={"Authorization": f"Bearer {secret}"}, csrf=False)
        assert response.status_code == 422
        assert "valid range" in str(response.get_json())
    assert _measurements() == []
    with pytest.raises(MeasurementErrors):
        save_measurements([{**item, "value": 5.5}], source="api")
    save_measurements([{**item, "value": 5}], source="api")  # the top of the scale is fine
    assert [row.value for row in _measurements()] == [5.0]


def test_kpi_valid_range_target_cells_refuse_out_of_range(org, lib):
    raw = {(lib["customer_satisfaction"], org.store.id): "6", (lib["sales"], org.store.id): "90000"}
    with pytest.raises(targets.TargetErrors) as refused:
        targets.set_cells(org.dm, "month", DEC, raw, locale="it")
    assert "valid range" in refused.value.problems[(lib["customer_satisfaction"].id, org.store.id)]
    assert _targets() == {}
    # A sum KPI's month target is a total: only the lowest value holds it (the highest bounds a day).
    lib["footfall"].max_value = 2000
    db.session.commit()
    assert targets.set_cells(org.dm, "month", DEC, {(lib["footfall"], org.store.id): "30000"}, locale="it") == 1


def test_kpi_valid_range_copy_with_uplift_is_refused_outside_the_range(org, lib):
    target(lib["customer_satisfaction"], org.store, NOV, 4.86)
    target(lib["sales"], org.store, NOV, 100000)
    db.session.commit()
    with pytest.raises(ServiceError) as refused:
        targets.copy_previous(org.dm, "month", DEC, "10", locale="it")  # 4.86 → 5.35 on a 1–5 scale
    assert "Customer satisfaction" in refused.value.message
    db.session.rollback()
    assert set(_targets()) == {(lib["customer_satisfaction"].id, org.store.id, NOV),
                               (lib["sales"].id, org.store.id, NOV)}
    assert targets.copy_previous(org.dm, "month", DEC, "2", locale="it") == 2  # 4.96: within the range
    assert _targets()[(lib["customer_satisfaction"].id, org.store.id, DEC)] == pytest.approx(4.96)


def test_kpi_valid_range_copy_refused_through_the_page(client, sign_in, org, lib):
    target(lib["customer_satisfaction"], org.store, NOV, 4.86)
    db.session.commit()
    sign_in(org.dm)
    response = client.post("/kpis/targets/copy", data={"period": "2026-12", "uplift": "10"}, follow_redirects=True)
    assert "would leave their valid range" in response.get_data(as_text=True)
    assert all(start == NOV for _kpi, _store, start in _targets())


def test_kpi_valid_range_is_edited_in_the_library(client, sign_in, org, lib):
    sign_in(org.hr)
    kpi = lib["customer_satisfaction"]
    form = {"name": kpi.name, "description": kpi.description, "decimals": "1", "position": "100",
            "unit": "score", "direction": "higher", "aggregation": "average"}
    page = client.get(f"/kpis/library/{kpi.id}/edit").get_data(as_text=True)
    assert 'name="min_value"' in page and 'value="1"' in page
    response = client.post(f"/kpis/library/{kpi.id}/edit", data={**form, "min_value": "5", "max_value": "1"})
    assert response.status_code == 422 and "must be below the highest" in response.get_data(as_text=True)
    db.session.expire_all()
    assert (db.session.get(KpiDefinition, kpi.id).min_value, db.session.get(KpiDefinition, kpi.id).max_value) == (1, 5)
    response = client.post(f"/kpis/library/{kpi.id}/edit", data={**form, "min_value": "0", "max_value": "10"})
    assert response.status_code == 303
    db.session.expire_all()
    assert (db.session.get(KpiDefinition, kpi.id).min_value, db.session.get(KpiDefinition, kpi.id).max_value) == (0, 10)
    response = client.post("/kpis/library/new", data={**form, "code": "nps", "name": "NPS", "min_value": "-100",
                                                     "max_value": "100"})
    assert response.status_code == 303
    nps = db.session.scalar(sa.select(KpiDefinition).where(KpiDefinition.code == "nps"))
    assert (nps.min_value, nps.max_value) == (-100, 100)
