"""Every KPI page renders for the roles that use it (full page and htmx fragment)."""

from datetime import date

from app.extensions import db
from app.kpis.measurements import store_today
from tests.kpis.conftest import measure, target


def _seed(org, lib):
    today = store_today(org.store)
    for store, footfall in ((org.store, 400), (org.sibling_store, 300)):
        measure(lib["footfall"], store, today, footfall)
        measure(lib["transactions"], store, today, footfall // 8)
        measure(lib["sales"], store, today, footfall * 6.5)
    target(lib["conversion_rate"], org.store, today.replace(day=1), 14.0)
    target(lib["sales"], org.store, today.replace(day=1), 60000)
    db.session.commit()
    return today


def test_pages_render(client, sign_in, org, lib):
    _seed(org, lib)
    sign_in(org.sm)
    for url in ("/kpis/", f"/kpis/stores/{org.store.id}", "/kpis/entry", "/kpis/upload"):
        response = client.get(url)
        assert response.status_code == 200, (url, response.get_data(as_text=True)[:2000])
    assert client.htmx_get("/kpis/").status_code == 200
    sign_in(org.dm)
    for url in ("/kpis/district", "/kpis/district?sort=store&dir=desc", "/kpis/targets", "/kpis/targets?period=2026-Q4",
                f"/kpis/stores/{org.sibling_store.id}"):
        response = client.get(url)
        assert response.status_code == 200, (url, response.get_data(as_text=True)[:2000])
    assert client.get("/kpis/").status_code == 302
    sign_in(org.hr)
    for url in ("/kpis/library", "/kpis/library/new", f"/kpis/library/{lib['sales'].id}/edit", "/kpis/district",
                "/kpis/targets"):
        response = client.get(url)
        assert response.status_code == 200, (url, response.get_data(as_text=True)[:2000])
    assert date.today()
