"""app.kpis.demo.load_kpis: 90 days for every demo store with a weekly rhythm, targets either side of
what stores do, fast and safe to run twice."""

import time
from datetime import timedelta

import sqlalchemy as sa

from app.extensions import db
from app.kpis.aggregation import aggregate, period_bounds
from app.kpis.demo import load_kpis
from app.kpis.measurements import store_today
from app.kpis.models import KpiMeasurement, KpiTarget
from app.kpis.queries import status
from app.org.demo import load_org
from app.org.models import Store


def test_demo_kpis(app, kpi_library):
    load_org()
    db.session.commit()
    started = time.perf_counter()
    load_kpis()
    db.session.commit()
    assert time.perf_counter() - started < 20
    count = db.session.scalar(sa.select(sa.func.count()).select_from(KpiMeasurement))
    load_kpis()  # twice: nothing more
    db.session.commit()
    assert db.session.scalar(sa.select(sa.func.count()).select_from(KpiMeasurement)) == count
    stores = db.session.scalars(sa.select(Store)).all()
    assert len(stores) == 12 and count > 12 * 90 * 8
    store = stores[0]
    today = store_today(store)
    saturdays = [today - timedelta(days=n) for n in range(1, 60) if (today - timedelta(days=n)).weekday() == 5]
    mondays = [today - timedelta(days=n) for n in range(1, 60) if (today - timedelta(days=n)).weekday() == 0]
    footfall = kpi_library["footfall"]
    assert sum(aggregate(footfall, [store.id], d, d) for d in saturdays) > \
        1.3 * sum(aggregate(footfall, [store.id], d, d) for d in mondays)
    first, _last = period_bounds("month", today)
    previous = period_bounds("month", first - timedelta(days=1))
    conversion = kpi_library["conversion_rate"]
    statuses = set()
    for each in stores:
        goal = db.session.scalar(sa.select(KpiTarget.value).where(
            KpiTarget.store_id == each.id, KpiTarget.kpi_id == conversion.id, KpiTarget.period_start == previous[0]))
        statuses.add(status(conversion, aggregate(conversion, [each.id], *previous), goal))
    assert "on_track" in statuses and statuses & {"at_risk", "off_track"}
