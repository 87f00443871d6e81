"""Streaks: consecutive active days in the store's time zone.

Rules: a day counts once, whatever the number of activities; a day the person marked as off
neither counts nor breaks the streak; one missed working day per ISO week is bridged by an automatic
freeze. Today never breaks a streak: it isn't over yet."""

from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa
from flask_babel import format_date
from flask_babel import gettext as _

from app.core.database import dialect_insert
from app.core.errors import ServiceError
from app.core.models import utcnow
from app.core.signals import StreakExtended, streak_extended
from app.core.timezones import local_today
from app.extensions import db
from app.org.models import Person
from app.streaks.models import ActiveDay, DayOff, Streak

DAYS_OFF_AHEAD = 60
# Days off keep a streak alive without activity, so without a limit a streak could be kept by marking
# every day off. Generous on purpose: two rest days a week plus two weeks of holiday fit in any month.
MAX_DAYS_OFF_PER_MONTH = 20


def iso_week(day: date) -> str:
    year, week, _weekday = day.isocalendar()
    return f"{year}-W{week:02d}"


@dataclass(frozen=True)
class Bridge:
    unbroken: bool
    last_freeze_week: str | None
    freeze_days: tuple[date, ...] = ()


def bridge(after: date, before: date, days_off: set[date], last_freeze_week: str | None) -> Bridge:
    """Walk the days strictly between `after` and `before`: days off are skipped, one missed day per
    ISO week is frozen, a second one breaks the streak."""
    day, frozen = after + timedelta(days=1), []
    while day < before:
        if day not in days_off:
            week = iso_week(day)
            if week == last_freeze_week:
                return Bridge(False, last_freeze_week, tuple(frozen))
            last_freeze_week = week
            frozen.append(day)
        day += timedelta(days=1)
    return Bridge(True, last_freeze_week, tuple(frozen))


def days_off_between(person_id: int, after: date, before: date) -> set[date]:
    return set(db.session.scalars(sa.select(DayOff.day).where(
        DayOff.person_id == person_id, DayOff.day > after, DayOff.day < before)))


def record_activity(person: Person, activity: str, on: date | None = None) -> Streak | None:
    """Count `on` (the store's today by default) as an active day. Returns the streak when it moved.
    A day earlier than the last active one is stored but doesn't rewrite the streak's history."""
    on = on or local_today(person)
    # Insert rowcounts aren't reliable across drivers (psycopg 3 reports -1): RETURNING tells.
    inserted = db.session.execute(
        dialect_insert(ActiveDay).values(person_id=person.id, day=on, first_activity=(activity or "activity")[:40])
        .on_conflict_do_nothing(index_elements=["person_id", "day"]).returning(ActiveDay.id)).scalar()
    if inserted is None:
        return None
    db.session.execute(dialect_insert(Streak).values(person_id=person.id, current=0, best=0, updated_at=utcnow())
                       .on_conflict_do_nothing(index_elements=["person_id"]))
    streak = db.session.scalar(sa.select(Streak).where(Streak.person_id == person.id)
                               .with_for_update().execution_options(populate_existing=True))
    last = streak.last_active_on
    if last is not None and on <= last:
        return None
    if last is None:
        streak.current = 1
    else:
        result = bridge(last, on, days_off_between(person.id, last, on), streak.last_freeze_week)
        streak.last_freeze_week = result.last_freeze_week
        streak.current = streak.current + 1 if result.unbroken else 1
    streak.last_active_on = on
    streak.best = max(streak.best, streak.current)
    db.session.flush()
    streak_extended.send(None, event=StreakExtended(person=person, current=streak.current))  # streak badges
    return streak


def add_day_off(person: Person, day: date, today: date | None = None) -> DayOff:
    today = today or local_today(person)
    if day < today:
        raise ServiceError(_("Pick today or a day ahead: past days can't be marked as off."), field="day")
    if day > today + timedelta(days=DAYS_OFF_AHEAD):
        raise ServiceError(_("You can plan days off up to %(n)d days ahead.", n=DAYS_OFF_AHEAD), field="day")
    # The person's row is locked first so two requests at once can't both take the last day of the month.
    db.session.execute(sa.select(Person.id).where(Person.id == person.id).with_for_update())
    month_start = day.replace(day=1)
    next_month = (month_start + timedelta(days=31)).replace(day=1)
    taken = db.session.scalar(sa.select(sa.func.count()).select_from(DayOff).where(
        DayOff.person_id == person.id, DayOff.day >= month_start, DayOff.day < next_month, DayOff.day != day))
    if taken >= MAX_DAYS_OFF_PER_MONTH:
        raise ServiceError(_("You already have %(n)d days off in %(month)s, the most a month can have. Remove "
                             "one to pick another.", n=taken, month=format_date(day, "MMMM yyyy")), field="day")
    inserted = db.session.execute(dialect_insert(DayOff).values(person_id=person.id, day=day, created_at=utcnow())
                                  .on_conflict_do_nothing(index_elements=["person_id", "day"])
                                  .returning(DayOff.id)).scalar()
    if inserted is None:
        raise ServiceError(_("That day is already marked as off."), field="day")
    return db.session.get(DayOff, inserted)


def remove_day_off(person: Person, day: date, today: date | None = None) -> None:
    today = today or local_today(person)
    if day < today:
        raise ServiceError(_("Past days off stay as they were."), field="day")
    deleted = db.session.execute(sa.delete(DayOff).where(DayOff.person_id == person.id, DayOff.day == day),
                                 execution_options={"synchronize_session": False}).rowcount
    if not deleted:
        raise ServiceError(_("That day isn't marked as off."), field="day")
