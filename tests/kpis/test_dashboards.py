"""Store and district dashboards: page and htmx fragment, statuses told in words, and a query count that
does not grow with the number of stores."""

from datetime import timedelta

from app.extensions import db
from app.kpis.measurements import store_today
from app.kpis.queries import today_tiles
from tests.factories import make_store
from tests.kpis.conftest import measure, target


def _seed_store(lib, store, today, footfall, transactions, conversion_target):
    for back in range(5):
        day = today - timedelta(days=back)
        if day.month != today.month and back:
            continue
        measure(lib["footfall"], store, day, footfall)
        measure(lib["transactions"], store, day, transactions)
        measure(lib["sales"], store, day, transactions * 50)
    target(lib["conversion_rate"], store, today.replace(day=1), conversion_target)


def test_store_dashboard_page_and_fragment(client, sign_in, org, lib):
    today = store_today(org.store)
    _seed_store(lib, org.store, today, 400, 40, 12.0)  # 10 % vs 12 %: off track
    db.session.commit()
    sign_in(org.sm)
    page = client.get("/kpis/").get_data(as_text=True)
    assert "Conversion rate" in page and "Off track" in page and "<polyline" in page
    assert "style=" not in page.split("<main", 1)[1]  # CSP: no inline styles in the content
    fragment = client.htmx_get("/kpis/").get_data(as_text=True)
    assert "<html" not in fragment and 'id="kpi-tiles"' in fragment


def test_today_tiles_for_the_tv(org, lib):
    today = store_today(org.store)
    _seed_store(lib, org.store, today, 400, 60, 12.0)  # 15 % today
    db.session.commit()
    tiles = {tile.code: tile for tile in today_tiles(org.store.id)}
    conversion = tiles["conversion_rate"]
    assert conversion.name == "Conversion rate" and conversion.value_display == "15.0 %"
    assert conversion.target_display == "12.0 %" and conversion.status == "on_track"
    assert tiles["returns"].status is None and tiles["returns"].value_display == "–"


def test_district_dashboard_sorts_and_drills_down(client, sign_in, org, lib):
    today = store_today(org.store)
    _seed_store(lib, org.store, today, 400, 60, 12.0)
    _seed_store(lib, org.sibling_store, today, 400, 30, 12.0)
    _seed_store(lib, org.other_store, today, 400, 30, 12.0)
    db.session.commit()
    sign_in(org.dm)
    page = client.get("/kpis/district").get_data(as_text=True)
    assert org.other_store.name not in page
    assert page.index(org.sibling_store.name) < page.index(org.store.name)  # off track first
    assert f"/kpis/stores/{org.store.id}" in page and "On track" in page and "Off track" in page
    fragment = client.htmx_get("/kpis/district?sort=store&dir=desc").get_data(as_text=True)
    assert "<html" not in fragment and fragment.index(org.sibling_store.name) < fragment.index(org.store.name)
    ascending = client.htmx_get("/kpis/district?sort=store").get_data(as_text=True)
    assert ascending.index(org.store.name) < ascending.index(org.sibling_store.name)
    assert client.get(f"/kpis/stores/{org.sibling_store.id}").status_code == 200
    assert client.get(f"/kpis/stores/{org.other_store.id}").status_code == 404


def test_district_dashboard_queries_do_not_grow_with_stores(client, sign_in, org, lib, count_queries):
    today = store_today(org.store)
    _seed_store(lib, org.store, today, 400, 60, 12.0)
    db.session.commit()
    sign_in(org.dm)
    client.get("/kpis/district")
    with count_queries() as few:
        assert client.get("/kpis/district").status_code == 200
    from app.org.models import District, Store

    district = db.session.get(District, db.session.get(Store, org.store.id).district_id)
    kpis = {code: db.session.get(type(kpi), kpi.id) for code, kpi in lib.items()}
    for n in range(6):
        store = make_store(district, name=f"Extra {n}", code=f"X{n:02d}")
        db.session.flush()
        _seed_store(kpis, store, today, 300 + n, 30 + n, 11.0)
    db.session.commit()
    with count_queries() as many:
        assert client.get("/kpis/district").status_code == 200
    assert many.count == few.count, (few.count, many.count)
    assert many.count <= 20
