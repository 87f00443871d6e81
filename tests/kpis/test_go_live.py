"""A real chain's first day: a store's pace counts from its go-live (its first day with figures), a store
without figures says "No data yet" (never "off track"), and a district ratio counts only the stores that
sent both of its parts."""

from datetime import date

import pytest

from app.extensions import db
from app.kpis import aggregation
from app.kpis.measurements import store_today
from app.kpis.queries import district_dashboard, store_dashboard
from app.kpis.targets import pace_target
from tests.kpis.conftest import measure, target

# June has 30 days: a month's sales target of 30,000 is 1,000 a day.
JUNE = date(2026, 6, 1)
INSTALLED = date(2026, 6, 7)
TODAY = date(2026, 6, 10)


def _live_on_pace_from_the_7th(lib, store):
    for day in range(7, 11):
        measure(lib["sales"], store, JUNE.replace(day=day), 1000)
    target(lib["sales"], store, JUNE, 30000)


def test_the_pace_counts_the_days_since_go_live(lib):
    sales, conversion = lib["sales"], lib["conversion_rate"]
    assert pace_target(sales, 30000, TODAY) == pytest.approx(10000)  # live all month: ten days' share
    assert pace_target(sales, 30000, TODAY, INSTALLED) == pytest.approx(4000)  # the 7th to the 10th
    assert pace_target(sales, 30000, TODAY, date(2026, 5, 20)) == pytest.approx(10000)  # live since May
    assert pace_target(conversion, 12.0, TODAY, INSTALLED) == 12.0  # a rate is its target from day one


def test_go_live_is_the_first_day_with_a_store_figure(org, lib):
    measure(lib["sales"], org.store, INSTALLED, 1000)
    measure(lib["sales"], org.store, date(2026, 6, 9), 1000)
    measure(lib["sales"], org.sibling_store, date(2026, 6, 2), 50, person=org.sibling_staff)  # a person's only
    db.session.commit()
    assert aggregation.go_live_days([org.store.id, org.sibling_store.id, org.other_store.id]) == {
        org.store.id: INSTALLED}
    assert aggregation.go_live_days([]) == {}


def test_go_live_is_one_query_for_any_number_of_stores(org, lib, count_queries):
    for store in (org.store, org.sibling_store, org.other_store):
        measure(lib["sales"], store, INSTALLED, 1000)
    db.session.commit()
    store_ids = [org.store.id, org.sibling_store.id, org.other_store.id]
    with count_queries() as counter:
        assert len(aggregation.go_live_days(store_ids)) == 3
    assert sum("kpi_measurements" in statement for statement in counter.statements) == 1


def test_installed_on_the_7th_a_store_on_pace_is_on_track(org, lib):
    _live_on_pace_from_the_7th(lib, org.store)
    db.session.commit()
    tiles = {tile.kpi.code: tile for tile in store_dashboard(org.store, TODAY)}
    sales = tiles["sales"]
    assert sales.month == 4000 and sales.pace == pytest.approx(4000)
    assert sales.status == "on_track" and sales.counted_from == INSTALLED


def test_a_store_without_figures_has_no_status_and_adds_nothing_due_to_the_district(org, lib):
    _live_on_pace_from_the_7th(lib, org.store)
    target(lib["sales"], org.sibling_store, JUNE, 30000)  # a target, no figures yet
    db.session.commit()
    board = district_dashboard(org.dm, TODAY, focus_code="sales")
    rows = {row.store.id: row for row in board.rows}
    assert rows[org.store.id].status == "on_track"
    assert rows[org.sibling_store.id].status is None and rows[org.sibling_store.id].focus_target is not None
    assert board.attention == []
    sales = next(item for item in board.summary if item.kpi.code == "sales")
    assert sales.value == 4000 and sales.target == pytest.approx(4000) and sales.status == "on_track"
    assert sales.month_target == 60000 and sales.has_target


def test_a_target_without_figures_reads_no_data_yet(client, sign_in, org, lib):
    today = store_today(org.store)
    target(lib["conversion_rate"], org.store, today.replace(day=1), 12.0)
    target(lib["conversion_rate"], org.sibling_store, today.replace(day=1), 12.0)
    target(lib["sales"], org.store, today.replace(day=1), 30000)  # the district card: "no data yet"
    db.session.commit()
    sign_in(org.sm)
    page = client.get("/kpis/").get_data(as_text=True)
    assert "No data yet" in page and "Off track" not in page
    assert "No target" in page  # the KPIs that truly have none
    sign_in(org.dm)
    board = client.get("/kpis/district").get_data(as_text=True)
    assert "No data yet" in board and "Off track" not in board and "no data yet" in board


def test_a_district_ratio_counts_only_the_stores_that_sent_both_parts(org, lib):
    transactions, footfall, conversion = lib["transactions"], lib["footfall"], lib["conversion_rate"]
    for day in (INSTALLED, TODAY):
        measure(transactions, org.store, day, 40)
        measure(footfall, org.store, day, 400)
        measure(transactions, org.sibling_store, day, 90)  # its footfall counter isn't wired yet
    db.session.commit()
    stores = [org.store.id, org.sibling_store.id]
    assert aggregation.aggregate(conversion, stores, JUNE, TODAY) == pytest.approx(10.0)
    assert aggregation.aggregate_many([conversion, transactions], stores, JUNE, TODAY) == {
        conversion.id: pytest.approx(10.0), transactions.id: 260}
    assert aggregation.store_values(conversion, stores, JUNE, TODAY) == {
        org.store.id: pytest.approx(10.0), org.sibling_store.id: None}
    summary = {item.kpi.code: item for item in district_dashboard(org.dm, TODAY).summary}
    assert summary["conversion_rate"].value == pytest.approx(10.0)
