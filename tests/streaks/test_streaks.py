from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa

from app.core.errors import ServiceError
from app.core.signals import ActivityRecorded, activity_recorded
from app.extensions import db
from app.streaks import services
from app.streaks.models import DayOff, Streak
from app.streaks.queries import streak_status
from tests.factories import make_person, make_store

MONDAY = date(2026, 3, 2)  # ISO week 2026-W10


def day(n: int) -> date:
    return MONDAY + timedelta(days=n)


def active(person, *offsets):
    for n in offsets:
        activity_recorded.send(None, event=ActivityRecorded(person=person, activity="mission", on=day(n)))


def streak(person) -> Streak:
    return db.session.scalar(sa.select(Streak).where(Streak.person_id == person.id))


def test_consecutive_days_count_once_each(org):
    active(org.staff, 0, 0, 1, 2)
    assert (streak(org.staff).current, streak(org.staff).best) == (3, 3)


def test_one_missed_day_a_week_is_frozen(org):
    active(org.staff, 0, 1, 3)  # Wednesday missed: frozen
    s = streak(org.staff)
    assert s.current == 3 and s.last_freeze_week == "2026-W10"
    active(org.staff, 5)  # Friday missed too: the week's freeze is gone
    assert streak(org.staff).current == 1
    assert streak(org.staff).best == 3


def test_the_freeze_comes_back_each_iso_week(org):
    active(org.staff, 0, 2)  # Tuesday of W10 frozen
    active(org.staff, 8)  # Wednesday of W10 missed too: broken
    assert streak(org.staff).current == 1
    active(org.staff, 9, 11)  # Thursday of W11 missed: W11's own freeze saves it
    assert streak(org.staff).current == 3


def test_days_off_neither_count_nor_break(org):
    for n in (2, 3, 4):
        db.session.add(DayOff(person_id=org.staff.id, day=day(n)))
    db.session.flush()
    active(org.staff, 0, 1, 5)
    s = streak(org.staff)
    assert s.current == 3 and s.last_freeze_week is None  # no freeze spent


def test_a_long_gap_breaks_the_streak(org):
    active(org.staff, 0, 1, 2, 20)
    assert streak(org.staff).current == 1 and streak(org.staff).best == 3


def test_backdated_activity_is_stored_but_keeps_the_streak(org):
    active(org.staff, 3, 4)
    active(org.staff, 1)
    assert streak(org.staff).current == 2


def test_days_are_counted_in_the_store_time_zone(org):
    tokyo = make_person(store=make_store(timezone="Asia/Tokyo"))
    la = make_person(store=make_store(timezone="America/Los_Angeles"))
    moment = datetime(2026, 3, 2, 22, 30, tzinfo=UTC)  # Tuesday morning in Tokyo, Monday afternoon in LA
    assert services.local_today(tokyo, moment) == date(2026, 3, 3)
    assert services.local_today(la, moment) == date(2026, 3, 2)
    bad = make_person(store=make_store(timezone="Not/AZone"))
    assert services.local_today(bad, moment) == date(2026, 3, 2)  # falls back to Europe/Rome (23:30)


def test_activity_without_a_date_uses_the_store_today(org):
    activity_recorded.send(None, event=ActivityRecorded(person=org.staff, activity="mission", on=None))
    assert streak(org.staff).last_active_on == services.local_today(org.staff)


def test_status_today(org):
    active(org.staff, 0, 1, 2)
    status = streak_status(org.staff, today=day(2))
    assert (status.current, status.active_today, status.at_risk, status.freezes_left) == (3, True, False, 1)
    status = streak_status(org.staff, today=day(3))  # nothing yet today: alive, at risk
    assert (status.current, status.at_risk) == (3, True)
    status = streak_status(org.staff, today=day(4))  # yesterday missed: frozen, no freeze left
    assert (status.current, status.freezes_left) == (3, 0)
    status = streak_status(org.staff, today=day(5))  # two missed: gone
    assert status.current == 0 and status.best == 3


def test_status_without_any_activity(org):
    status = streak_status(org.staff, today=day(0))
    assert (status.current, status.best, status.freezes_left) == (0, 0, 1)


def test_day_off_rules(org):
    today = day(0)
    services.add_day_off(org.staff, day(1), today=today)
    with pytest.raises(ServiceError):
        services.add_day_off(org.staff, day(1), today=today)
    with pytest.raises(ServiceError):
        services.add_day_off(org.staff, day(-1), today=today)
    with pytest.raises(ServiceError):
        services.add_day_off(org.staff, day(61), today=today)
    services.remove_day_off(org.staff, day(1), today=today)
    with pytest.raises(ServiceError):
        services.remove_day_off(org.staff, day(1), today=today)
    assert db.session.scalar(sa.select(sa.func.count(DayOff.id))) == 0


def test_day_off_today_keeps_the_streak_safe(org):
    active(org.staff, 0)
    services.add_day_off(org.staff, day(1), today=day(1))
    status = streak_status(org.staff, today=day(1))
    assert status.off_today and not status.at_risk and status.current == 1
