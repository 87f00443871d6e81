"""KPI jobs on the queue: check a store's targets when its measurements arrive, and close each month.

Both are idempotent (points carry idempotency keys, hits are inserted once), so a retry or a second
consumer changes nothing."""

from datetime import date, timedelta

import sqlalchemy as sa
from huey import crontab

from app.core import timezones
from app.extensions import db
from app.jobs import job, periodic_job
from app.kpis import rewards
from app.kpis.aggregation import period_bounds
from app.kpis.models import PeriodKind
from app.org.models import Store


@job()
def check_store_targets(store_id: int, day: str) -> int:
    """After measurements for `day` were saved: the daily targets, and the month's when the day closes it
    (a late upload for the 31st pays the month too)."""
    on = date.fromisoformat(day)
    paid = rewards.check_day(store_id, on)
    store = db.session.get(Store, store_id)
    if store is not None and rewards.is_last_day(on):
        if timezones.store_today(store) > on:
            paid += rewards.check_month(store_id, period_bounds(PeriodKind.MONTH, on)[0])
    db.session.commit()
    return paid


@periodic_job(crontab(minute="20", hour="*"))
def close_kpi_periods() -> int:
    """Hourly (stores sit in several time zones): on the first day of a month in a store's own zone, pay
    its month just ended, and re-check its yesterday's daily targets (measurements may have arrived by CSV
    overnight)."""
    paid = 0
    for store in db.session.scalars(sa.select(Store)):
        today = timezones.store_today(store)
        yesterday = today - timedelta(days=1)
        paid += rewards.check_day(store.id, yesterday)
        if today.day == 1:
            paid += rewards.check_month(store.id, period_bounds(PeriodKind.MONTH, yesterday)[0])
    db.session.commit()
    return paid
