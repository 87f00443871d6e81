"""The streak as the person sees it today, and whose streak is at risk (for the evening nudge)."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from app.core.timezones import local_today
from app.extensions import db
from app.org.models import Person
from app.streaks.models import DayOff, Streak
from app.streaks.services import bridge, iso_week


@dataclass(frozen=True)
class StreakStatus:
    current: int  # 0 when the streak is broken
    best: int
    active_today: bool
    off_today: bool
    freezes_left: int  # this ISO week: 0 or 1
    today: date

    @property
    def at_risk(self) -> bool:
        """Alive, but nothing done yet today."""
        return self.current > 0 and not self.active_today and not self.off_today


def streak_status(person: Person, today: date | None = None) -> StreakStatus:
    """Two queries: the streak row and the days off since the last active day (up to next week)."""
    today = today or local_today(person)
    streak = db.session.scalar(sa.select(Streak).where(Streak.person_id == person.id))
    last = streak.last_active_on if streak else None
    since = min(last, today) if last else today - timedelta(days=1)
    days_off = set(db.session.scalars(sa.select(DayOff.day).where(
        DayOff.person_id == person.id, DayOff.day > since, DayOff.day <= today)))
    return status_of(streak, today, today in days_off, lambda: days_off)


def status_of(streak, today: date, off_today: bool, days_off: Callable[[], set[date]]) -> StreakStatus:
    """The status from the streak's row (a `Streak` or a row with its columns; None without one), whether
    `today` is a day off, and `days_off()`: the days off after the last active day, up to today. It is
    called only when there are days to bridge (the last active day before yesterday). The home reads the
    row and the days off in its own wider statement (app/journey/queries.py: home_cards)."""
    last = streak.last_active_on if streak is not None else None
    if streak is None or last is None:
        return StreakStatus(0, 0, False, off_today, 1, today)
    if last >= today:
        freeze_week = streak.last_freeze_week
        return StreakStatus(streak.current, streak.best, True, off_today,
                            0 if freeze_week == iso_week(today) else 1, today)
    # Yesterday active: nothing between, no walk. Else the days in between decide.
    result = bridge(last, today, days_off() if last < today - timedelta(days=1) else set(), streak.last_freeze_week)
    current = streak.current if result.unbroken else 0
    freezes_left = 0 if result.last_freeze_week == iso_week(today) else 1
    return StreakStatus(current, streak.best, False, off_today, freezes_left, today)


def streaks_at_risk(among: sa.Select, today: date) -> list[tuple[Person, StreakStatus]]:
    """People among `among` (a select of person ids) whose streak is alive with nothing done yet `today`
    (their local date), with their status."""
    candidates = db.session.scalars(sa.select(Person).join(Streak, Streak.person_id == Person.id).where(
        Person.id.in_(among), Streak.current > 0, Streak.last_active_on < today,
        Streak.last_active_on >= today - timedelta(days=8))).all()  # older streaks are broken anyway
    found = []
    for person in candidates:
        status = streak_status(person, today=today)
        if status.at_risk:
            found.append((person, status))
    return found


def upcoming_days_off(person: Person, today: date | None = None, limit: int = 30) -> list[date]:
    today = today or local_today(person)
    return list(db.session.scalars(sa.select(DayOff.day)
                                   .where(DayOff.person_id == person.id, DayOff.day >= today)
                                   .order_by(DayOff.day).limit(limit)))
