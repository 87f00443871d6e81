"""The one place that knows how a KPI aggregates: sums, averages of store-days, and ratios from their
parts (never the average of daily ratios)."""

from datetime import date

import pytest

from app.extensions import db
from app.kpis import aggregation
from app.kpis.models import KpiMeasurement


def _measure(kpi, store, day, value, person=None):
    db.session.add(KpiMeasurement(kpi_id=kpi.id, store_id=store.id, person_id=person.id if person else None,
                                  day=day, value=value, source="form"))


def test_ratio_is_computed_from_the_sums_of_its_parts(org, kpi_library):
    # Monday: 10 transactions of 200 visitors (5%); Saturday: 90 of 300 (30%).
    # The right conversion is 100 / 500 = 20%, not the mean of 5% and 30% (17.5%).
    transactions, footfall = kpi_library["transactions"], kpi_library["footfall"]
    _measure(transactions, org.store, date(2026, 11, 2), 10)
    _measure(footfall, org.store, date(2026, 11, 2), 200)
    _measure(transactions, org.store, date(2026, 11, 7), 90)
    _measure(footfall, org.store, date(2026, 11, 7), 300)
    db.session.commit()

    conversion = kpi_library["conversion_rate"]
    assert aggregation.aggregate(conversion, [org.store.id], date(2026, 11, 1), date(2026, 11, 30)) \
        == pytest.approx(20.0)
    assert aggregation.aggregate(transactions, [org.store.id], date(2026, 11, 1), date(2026, 11, 30)) == 100


def test_ratio_over_several_stores_and_per_store(org, kpi_library):
    sales, transactions = kpi_library["sales"], kpi_library["transactions"]
    day = date(2026, 11, 3)
    _measure(sales, org.store, day, 1000)
    _measure(transactions, org.store, day, 10)
    _measure(sales, org.sibling_store, day, 3000)
    _measure(transactions, org.sibling_store, day, 60)
    _measure(sales, org.store, day, 999, person=org.staff)  # a person's detail is not the store's total
    db.session.commit()

    atv = kpi_library["average_transaction_value"]
    stores = [org.store.id, org.sibling_store.id, org.other_store.id]
    assert aggregation.aggregate(atv, stores, day, day) == pytest.approx(4000 / 70)
    assert aggregation.store_values(atv, stores, day, day) == {
        org.store.id: pytest.approx(100.0), org.sibling_store.id: pytest.approx(50.0), org.other_store.id: None}


def test_average_is_the_mean_of_store_days_and_nothing_measured_is_none(org, kpi_library):
    satisfaction = kpi_library["customer_satisfaction"]
    _measure(satisfaction, org.store, date(2026, 11, 2), 4.0)
    _measure(satisfaction, org.store, date(2026, 11, 3), 5.0)
    _measure(satisfaction, org.sibling_store, date(2026, 11, 2), 3.0)
    db.session.commit()
    stores = [org.store.id, org.sibling_store.id]
    assert aggregation.aggregate(satisfaction, stores, date(2026, 11, 1), date(2026, 11, 30)) == pytest.approx(4.0)
    assert aggregation.aggregate(satisfaction, stores, date(2026, 12, 1), date(2026, 12, 31)) is None
    assert aggregation.aggregate(satisfaction, [], date(2026, 11, 1), date(2026, 11, 30)) is None


@pytest.mark.parametrize(("kind", "day", "bounds"), [
    ("month", date(2026, 2, 14), (date(2026, 2, 1), date(2026, 2, 28))),
    ("month", date(2026, 12, 31), (date(2026, 12, 1), date(2026, 12, 31))),
    ("quarter", date(2026, 11, 27), (date(2026, 10, 1), date(2026, 12, 31))),
    ("quarter", date(2026, 1, 1), (date(2026, 1, 1), date(2026, 3, 31))),
])
def test_period_bounds(kind, day, bounds):
    assert aggregation.period_bounds(kind, day) == bounds
