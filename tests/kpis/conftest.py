from datetime import date, datetime, timedelta

import pytest

from app.extensions import db
from app.kpis.models import KpiMeasurement, KpiTarget


def measure(kpi, store, day: date, value: float, person=None) -> KpiMeasurement:
    row = KpiMeasurement(kpi_id=kpi.id, store_id=store.id, day=day, value=value,
                         person_id=person.id if person else None, source="demo")
    db.session.add(row)
    return row


def target(kpi, store, start: date, value: float, kind: str = "month", set_at: datetime | None = None) -> KpiTarget:
    """A target as it is usually set: ahead of its period (unless `set_at` says when)."""
    set_at = set_at or datetime.combine(start - timedelta(days=7), datetime.min.time())
    row = KpiTarget(kpi_id=kpi.id, store_id=store.id, period_kind=kind, period_start=start, value=value,
                    updated_at=set_at)
    db.session.add(row)
    return row


@pytest.fixture
def lib(kpi_library):
    return kpi_library
