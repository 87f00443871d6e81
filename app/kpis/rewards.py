"""Gamification hooks: a store that reaches its daily or monthly target on a KPI pays points to its
active staff, once per store, KPI, period and person (ledger idempotency keys), and the hit is recorded.

Daily target = monthly target ÷ days in the month for a sum KPI; the target itself for a ratio or an
average. A hit is final: a later correction that drops the value below target takes no points back.

History never pays: a day or a month pays only when it ended within the entry window
(KPI_ENTRY_WINDOW_DAYS, see measurements.entry_window_days) and its target, as it stands, was set before
the period ended. Otherwise a manager could back-fill old days, or set a target after the fact, and
collect the points.

No built-in badge counts KPI hits (app/badges/catalogue.py has none with such an event type), so no badge
event is recorded here; see KPI_BADGE_EVENT below to switch it on once such a badge exists."""

from calendar import monthrange
from datetime import date, time, timedelta

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _

from app.core.database import dialect_insert
from app.core.errors import ServiceError
from app.core.models import utcnow
from app.core.timezones import utc_of, zone_named
from app.extensions import db
from app.kpis.aggregation import aggregate, period_bounds
from app.kpis.display import ON_TRACK
from app.kpis.measurements import earliest_open_day
from app.kpis.models import KpiDefinition, KpiTarget, KpiTargetHit, PeriodKind
from app.kpis.queries import status
from app.kpis.targets import daily_target
from app.org.models import Person, Role, Store

DEFAULTS = {"KPI_DAILY_TARGET_POINTS": 5, "KPI_MONTHLY_TARGET_POINTS": 50}
SOURCE_TYPE = "kpi"
DAY, MONTH = "day", "month"
KPI_BADGE_EVENT = None  # e.g. "kpi_target_hit" once a badge with that event type is in the catalogue


def setting(name: str) -> int:
    return int(current_app.config.get(name, DEFAULTS[name]))


def _record_hit(kpi: KpiDefinition, store_id: int, kind: str, start: date, value: float, target: float) -> None:
    db.session.execute(dialect_insert(KpiTargetHit).values(
        kpi_id=kpi.id, store_id=store_id, period_kind=kind, period_start=start, value=value, target=target,
        people_paid=0, created_at=utcnow()).on_conflict_do_nothing(
        index_elements=["kpi_id", "store_id", "period_kind", "period_start"]))


def _pay(kpi: KpiDefinition, store: Store, kind: str, start: date, points: int) -> int:
    """Pay each active associate and the store manager; returns how many were paid this time."""
    from app.points import ledger

    if points <= 0:
        return 0
    people = db.session.scalars(sa.select(Person).where(
        Person.store_id == store.id, Person.active.is_(True),
        Person.role.in_((Role.STAFF, Role.STORE_MANAGER))).order_by(Person.id))
    reason = (_("%(store)s reached its %(kpi)s target for %(day)s", store=store.name, kpi=kpi.name,
                day=start.isoformat()) if kind == DAY else
              _("%(store)s reached its %(kpi)s target for %(month)s", store=store.name, kpi=kpi.name,
                month=start.strftime("%Y-%m")))
    paid = 0
    for person in people:
        key = f"kpi:{kind}:{store.id}:{kpi.id}:{start.isoformat()}:{person.id}"
        try:
            result = ledger.award(person, points, source_type=SOURCE_TYPE, reason=reason[:280],
                                  idempotency_key=key, source_id=f"{store.id}:{kpi.code}:{start.isoformat()}")
        except ServiceError:
            continue  # someone deactivated meanwhile: the others are still paid
        if result.created:
            paid += 1
            if KPI_BADGE_EVENT:
                from app.badges.services import record_event

                record_event(person, KPI_BADGE_EVENT, key)
    if paid:
        db.session.execute(sa.update(KpiTargetHit).where(
            KpiTargetHit.kpi_id == kpi.id, KpiTargetHit.store_id == store.id, KpiTargetHit.period_kind == kind,
            KpiTargetHit.period_start == start).values(people_paid=KpiTargetHit.people_paid + paid),
            execution_options={"synchronize_session": False})
    return paid


def _targeted_kpis(store: Store, month_start: date, last_day: date) -> list[tuple[KpiDefinition, float]]:
    """The KPIs with a target for the month that may still pay for a period ending on `last_day`."""
    if last_day < earliest_open_day(store):
        return []  # history: loaded late by HR or the API, it never pays
    # The period's end as a stored (naive UTC) time: the store's midnight after its last day.
    ended = utc_of(last_day + timedelta(days=1), time(), zone_named(store.timezone))
    rows = db.session.execute(sa.select(KpiDefinition, KpiTarget.value).join(
        KpiTarget, KpiTarget.kpi_id == KpiDefinition.id).where(
        KpiTarget.store_id == store.id, KpiTarget.period_kind == PeriodKind.MONTH,
        KpiTarget.period_start == month_start, KpiDefinition.active.is_(True),
        KpiTarget.updated_at < ended))  # a target set (or changed) after the period ended pays nothing
    return [(kpi, value) for kpi, value in rows]


def check_day(store_id: int, day: date) -> int:
    """Pay for every KPI whose daily target the store reached on `day`. Returns points entries made."""
    store = db.session.get(Store, store_id)
    if store is None:
        return 0
    paid = 0
    for kpi, monthly in _targeted_kpis(store, period_bounds(PeriodKind.MONTH, day)[0], day):
        value = aggregate(kpi, [store_id], day, day)
        target = daily_target(kpi, monthly, day)
        if value is None or status(kpi, value, target) != ON_TRACK:
            continue
        _record_hit(kpi, store_id, DAY, day, value, target)
        paid += _pay(kpi, store, DAY, day, setting("KPI_DAILY_TARGET_POINTS"))
    return paid


def check_month(store_id: int, month_start: date) -> int:
    """At month end: pay for every KPI whose monthly target the store reached."""
    store = db.session.get(Store, store_id)
    if store is None:
        return 0
    first, last = period_bounds(PeriodKind.MONTH, month_start)
    paid = 0
    for kpi, target in _targeted_kpis(store, first, last):
        value = aggregate(kpi, [store_id], first, last)
        if value is None or status(kpi, value, target) != ON_TRACK:
            continue
        _record_hit(kpi, store_id, MONTH, first, value, target)
        paid += _pay(kpi, store, MONTH, first, setting("KPI_MONTHLY_TARGET_POINTS"))
    return paid


def is_last_day(day: date) -> bool:
    return day.day == monthrange(day.year, day.month)[1]
