"""Goals pages refresh themselves when a store's KPI measurements arrive (app/okrs/live.py)."""

from app.core.signals import KpiMeasurementsSaved, kpi_measurements_saved
from app.okrs import live


def on_kpi_measurements_saved(_sender, *, event: KpiMeasurementsSaved) -> None:
    live.store_changed(event.store_id)


def connect() -> None:
    kpi_measurements_saved.connect(on_kpi_measurements_saved)
