"""Targets: typed cells are checked before anything is saved, changes are audited, and copying the
period before applies an uplift that always asks for better."""

from datetime import date

import pytest
import sqlalchemy as sa

from app.core.audit import AuditEntry
from app.core.errors import ServiceError
from app.extensions import db
from app.kpis import targets
from app.kpis.models import KpiTarget
from tests.kpis.conftest import target

NOV, DEC = date(2026, 11, 1), date(2026, 12, 1)


def _targets(period_start=DEC):
    return {(row.kpi_id, row.store_id): row.value for row in db.session.scalars(
        sa.select(KpiTarget).where(KpiTarget.period_start == period_start))}


def test_copy_with_uplift_raises_higher_and_lowers_lower_is_better(org, lib):
    target(lib["sales"], org.store, NOV, 100000)
    target(lib["returns_rate"], org.store, NOV, 4.0)
    target(lib["conversion_rate"], org.sibling_store, NOV, 12.0)
    target(lib["sales"], org.other_store, NOV, 50000)  # another district: not the DM's
    db.session.commit()
    assert targets.copy_previous(org.dm, "month", DEC, "10", locale="it") == 3
    db.session.commit()
    copied = _targets()
    assert copied[(lib["sales"].id, org.store.id)] == 110000
    assert copied[(lib["returns_rate"].id, org.store.id)] == pytest.approx(3.6)
    assert copied[(lib["conversion_rate"].id, org.sibling_store.id)] == pytest.approx(13.2)
    assert (lib["sales"].id, org.other_store.id) not in copied
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "kpi_target.set")) == 3


def test_copy_refuses_a_nonsense_uplift_and_an_empty_period(org, lib):
    with pytest.raises(ServiceError):
        targets.copy_previous(org.dm, "month", DEC, "lots", locale="it")
    with pytest.raises(ServiceError):
        targets.copy_previous(org.dm, "month", DEC, "500", locale="it")
    with pytest.raises(ServiceError):
        targets.copy_previous(org.dm, "month", DEC, "5", locale="it")  # nothing in November


def test_a_bad_cell_saves_nothing(org, lib):
    cells = {(lib["sales"], org.store.id): "120000", (lib["footfall"], org.store.id): "-5",
             (lib["conversion_rate"], org.store.id): "abc"}
    with pytest.raises(targets.TargetErrors) as refused:
        targets.set_cells(org.dm, "month", DEC, cells, locale="it")
    db.session.rollback()
    assert set(refused.value.problems) == {(lib["footfall"].id, org.store.id),
                                           (lib["conversion_rate"].id, org.store.id)}
    assert _targets() == {}


def test_italian_decimals_and_clearing_a_cell(org, lib):
    targets.set_cells(org.dm, "month", DEC, {(lib["sales"], org.store.id): "1.250,5"}, locale="it")
    db.session.commit()
    assert _targets() == {(lib["sales"].id, org.store.id): 1250.5}
    targets.set_cells(org.dm, "month", DEC, {(lib["sales"], org.store.id): ""}, locale="it")
    db.session.commit()
    assert _targets() == {}


def test_a_manager_only_sets_targets_for_their_stores(org, lib):
    with pytest.raises(ServiceError):
        targets.set_cells(org.dm, "month", DEC, {(lib["sales"], org.other_store.id): "10"}, locale="it")


def test_grid_cell_saves_by_itself(client, sign_in, org, lib):
    sign_in(org.dm)
    name = f"t-{lib['sales'].id}-{org.store.id}"
    url = f"/kpis/targets/{lib['sales'].id}/{org.store.id}?period=2026-12"
    response = client.post(url, data={name: "80000"}, headers={"HX-Request": "true"})
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    # Shown grouped, as an English reader reads it.
    assert body.lstrip().startswith("<td") and "Saved" in body and 'value="80,000"' in body
    assert _targets() == {(lib["sales"].id, org.store.id): 80000}
    response = client.post(url, data={name: "-1"}, headers={"HX-Request": "true"})
    assert response.status_code == 422 and "negative" in response.get_data(as_text=True)
    assert _targets() == {(lib["sales"].id, org.store.id): 80000}
    # Outside the DM's district: not found.
    other = f"/kpis/targets/{lib['sales'].id}/{org.other_store.id}?period=2026-12"
    assert client.post(other, data={"value": "5"}, headers={"HX-Request": "true"}).status_code == 404


def test_grid_page_and_bulk_save(client, sign_in, org, lib):
    sign_in(org.dm)
    page = client.get("/kpis/targets?period=2026-12").get_data(as_text=True)
    assert org.store.name in page and org.sibling_store.name in page and org.other_store.name not in page
    assert "lower is better" in page and "go down" in page  # the uplift rule is said in the UI
    fragment = client.htmx_get("/kpis/targets?period=2026-12").get_data(as_text=True)
    assert "<html" not in fragment and 'id="target-grid"' in fragment
    good = {f"t-{lib['sales'].id}-{org.store.id}": "5000", f"t-{lib['footfall'].id}-{org.store.id}": "900"}
    response = client.post("/kpis/targets", data={"period": "2026-12", **good})
    assert response.status_code == 303
    assert len(_targets()) == 2
    bad = {**good, f"t-{lib['footfall'].id}-{org.store.id}": "nine hundred",
           f"t-{lib['sales'].id}-{org.store.id}": "7000"}
    response = client.post("/kpis/targets", data={"period": "2026-12", **bad})
    assert response.status_code == 422 and "is not a number" in response.get_data(as_text=True)
    assert _targets()[(lib["sales"].id, org.store.id)] == 5000


def test_copy_route(client, sign_in, org, lib):
    target(lib["sales"], org.store, NOV, 1000)
    db.session.commit()
    sign_in(org.dm)
    response = client.post("/kpis/targets/copy", data={"period": "2026-12", "uplift": "5"})
    assert response.status_code == 303
    assert _targets() == {(lib["sales"].id, org.store.id): 1050}
