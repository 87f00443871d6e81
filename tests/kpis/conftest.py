from datetime import date

import pytest

from app.extensions import db
from app.kpis.models import KpiMeasurement, KpiTarget


def measure(kpi, store, day: date, value: float, person=None) -> KpiMeasurement:
    row = KpiMeasurement(kpi_id=kpi.id, store_id=store.id, day=day, value=value,
                         person_id=person.id if person else None, source="demo")
    db.session.add(row)
    return row


def target(kpi, store, start: date, value: float, kind: str = "month") -> KpiTarget:
    row = KpiTarget(kpi_id=kpi.id, store_id=store.id, period_kind=kind, period_start=start, value=value)
    db.session.add(row)
    return row


@pytest.fixture
def lib(kpi_library):
    return kpi_library
