"""What the push job decides: per-type opt-out, quiet hours in the person's store time zone (held, then
released in the morning), the daily cap, stale nudges, and pushes whose job was lost."""

from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa

from app import nudges
from app.extensions import db
from app.nudges import delivery, services
from app.nudges.models import Notification, PushStatus
from app.nudges.timing import QuietHours
from app.org.models import Role
from tests.factories import make_person, make_store
from tests.push.support import subscribe

ROME = ZoneInfo("Europe/Rome")


class Clock:
    def __init__(self):
        self.now = datetime.now(UTC).replace(tzinfo=None)

    def at_local(self, day_offset: int, clock: time, zone: ZoneInfo = ROME) -> datetime:
        """Naive UTC of `clock` local time, `day_offset` days from the real today (stays DST-correct)."""
        day = datetime.now(zone).date() + timedelta(days=day_offset)
        self.now = datetime.combine(day, clock, tzinfo=zone).astimezone(UTC).replace(tzinfo=None)
        return self.now


@pytest.fixture
def clock(monkeypatch):
    """The push job's clock, set by the test (created_at stays real: only deciding is time-dependent)."""
    fake = Clock()
    monkeypatch.setattr(delivery, "utcnow", lambda: fake.now)
    return fake


@pytest.fixture
def quiet_app(push_app):
    push_app.config.update(NUDGE_QUIET_START="21:00", NUDGE_QUIET_END="08:00")
    return push_app


def _nudge(person, nudge_type: str = "badge_earned", **params) -> int:
    params = params or {"badge": "Mentor"}
    notification_id = nudges.send(person.id, nudge_type, "/home", **params).id
    db.session.commit()
    return notification_id


def _row(notification_id: int):
    columns = (Notification.push_status, Notification.push_note, Notification.hold_until)
    row = db.session.execute(sa.select(*columns).where(Notification.id == notification_id)).one()
    db.session.rollback()
    return row


def _preferences(person, **changes):
    current = services.preferences(person.id)
    values = {"pushed": {key for key, on in services.pushed_types(person).items() if on},
              "quiet_hours": current.quiet_hours_on and current.quiet.start != current.quiet.end,
              "quiet_start": current.quiet.start,
              "quiet_end": current.quiet.end, "daily_cap": current.daily_cap}
    values.update(changes)
    services.save_preferences(person, **values)
    db.session.commit()


# Per-type opt-out ---------------------------------------------------------------------------------

def test_a_type_turned_off_is_not_pushed_but_stays_in_the_centre(push_app, org, receiver, browser):
    subscribe(org.staff, browser, receiver)
    pushed = {key for key, on in services.pushed_types(org.staff).items() if on} - {"badge_earned"}
    _preferences(org.staff, pushed=pushed)
    notification_id = _nudge(org.staff)
    assert _row(notification_id)[:2] == (PushStatus.SKIPPED, "turned_off")
    assert receiver.received == []
    # Other types still arrive.
    _nudge(org.staff, "stage_reached", stage="Leader")
    assert len(receiver.wait_for(1)) == 1


def test_a_type_that_is_off_by_default_is_pushed_only_after_opting_in(push_app, org, receiver, browser):
    subscribe(org.sm, browser, receiver)
    digest = {"points": 10, "stores": "Milano 10", "signoffs": 0, "disputes": 0}
    assert services.pushed_types(org.sm)["weekly_digest"] is False
    assert _row(_nudge(org.sm, "weekly_digest", **digest))[:2] == (PushStatus.SKIPPED, "turned_off")
    _preferences(org.sm, pushed=set(services.pushed_types(org.sm)))
    assert _row(_nudge(org.sm, "weekly_digest", **digest))[0] == PushStatus.SENT
    assert "weekly_digest" not in services.pushed_types(org.staff)  # managers only


# Quiet hours ----------------------------------------------------------------------------------------

def test_quiet_hours_hold_the_push_until_morning_then_release_it(quiet_app, org, receiver, browser, clock):
    subscribe(org.staff, browser, receiver)
    # Tonight and tomorrow morning: the notification is created now (real time) and a push older than
    # GIVE_UP_AFTER is dropped, so the fake clock stays within a day and a half of it.
    clock.at_local(0, time(22, 30))
    notification_id = _nudge(org.staff)
    status, note, hold_until = _row(notification_id)
    assert (status, note) == (PushStatus.HELD, "quiet_hours")
    assert hold_until == clock.at_local(1, time(8, 0))
    assert receiver.received == []

    clock.at_local(1, time(7, 59))
    assert delivery.release_held(clock.now) == []
    assert receiver.received == []

    clock.at_local(1, time(8, 0))
    assert delivery.release_held(clock.now) == [notification_id]
    [request] = receiver.wait_for(1)
    assert browser.decrypt(request.body)["title"] == "New badge: Mentor"
    assert _row(notification_id)[0] == PushStatus.SENT
    assert delivery.release_held(clock.now) == []  # released once


def test_quiet_hours_follow_the_store_time_zone(quiet_app, org, receiver, browser, clock):
    new_york = make_store(org.district, timezone="America/New_York")
    associate = make_person(Role.STAFF, store=new_york)
    db.session.commit()
    subscribe(associate, browser, receiver, "/push/ny")
    subscribe(org.staff, browser, receiver, "/push/rome")
    clock.at_local(1, time(23, 0))  # 23:00 in Rome is late afternoon in New York
    assert _row(_nudge(associate))[0] == PushStatus.SENT
    assert _row(_nudge(org.staff))[0] == PushStatus.HELD


def test_people_without_a_store_follow_rome(quiet_app, org, receiver, browser, clock):
    subscribe(org.hr, browser, receiver)
    assert org.hr.store_id is None
    clock.at_local(1, time(6, 0), ZoneInfo("Europe/Rome"))
    assert _row(_nudge(org.hr))[:2] == (PushStatus.HELD, "quiet_hours")


def test_quiet_hours_are_the_persons_own(quiet_app, org, receiver, browser, clock):
    subscribe(org.staff, browser, receiver)
    _preferences(org.staff, quiet_start=time(12, 0), quiet_end=time(14, 0))
    clock.at_local(1, time(22, 30))
    assert _row(_nudge(org.staff))[0] == PushStatus.SENT
    clock.at_local(1, time(13, 0))
    notification_id = _nudge(org.staff)
    assert _row(notification_id)[2] == clock.at_local(1, time(14, 0))
    _preferences(org.staff, quiet_hours=False)
    clock.at_local(1, time(13, 30))
    assert _row(_nudge(org.staff))[0] == PushStatus.SENT


@pytest.mark.parametrize(("start", "end", "now", "ends"), [
    (time(21), time(8), datetime(2026, 3, 10, 22, 0), datetime(2026, 3, 11, 8, 0)),
    (time(21), time(8), datetime(2026, 3, 10, 2, 0), datetime(2026, 3, 10, 8, 0)),
    (time(21), time(8), datetime(2026, 3, 10, 8, 0), None),
    (time(21), time(8), datetime(2026, 3, 10, 20, 59), None),
    (time(12), time(14), datetime(2026, 3, 10, 12, 0), datetime(2026, 3, 10, 14, 0)),
    (time(12), time(14), datetime(2026, 3, 10, 14, 0), None),
    (time(9), time(9), datetime(2026, 3, 10, 9, 0), None),  # same start and end: no quiet hours
    # The night the clocks go forward in Rome: 08:00 is still 08:00 local.
    (time(21), time(8), datetime(2026, 3, 28, 23, 0), datetime(2026, 3, 29, 8, 0)),
])
def test_quiet_hours_arithmetic(start, end, now, ends):
    local = now.replace(tzinfo=ROME)
    expected = ends.replace(tzinfo=ROME) if ends else None
    assert QuietHours(start, end).ends_after(local) == expected


# Daily cap --------------------------------------------------------------------------------------------

def test_the_daily_cap_stops_pushes_for_the_rest_of_the_local_day(push_app, org, receiver, browser, clock):
    subscribe(org.staff, browser, receiver)
    _preferences(org.staff, daily_cap=2, quiet_hours=False)
    clock.at_local(1, time(10, 0))
    statuses = [_row(_nudge(org.staff))[0] for _ in range(3)]
    assert statuses == [PushStatus.SENT, PushStatus.SENT, PushStatus.CAPPED]
    assert len(receiver.received) == 2
    clock.at_local(1, time(23, 59))
    assert _row(_nudge(org.staff))[0] == PushStatus.CAPPED
    clock.at_local(2, time(0, 1))  # a new day in Rome
    assert _row(_nudge(org.staff))[0] == PushStatus.SENT
    assert len(receiver.received) == 3


def test_the_default_cap_comes_from_the_settings(push_app, org, receiver, browser, clock):
    push_app.config["NUDGE_DAILY_PUSH_CAP"] = 1
    subscribe(org.staff, browser, receiver)
    clock.at_local(1, time(10, 0))
    assert [_row(_nudge(org.staff))[0] for _ in range(2)] == [PushStatus.SENT, PushStatus.CAPPED]


def test_a_cap_of_zero_keeps_everything_in_the_app(push_app, org, receiver, browser):
    subscribe(org.staff, browser, receiver)
    _preferences(org.staff, daily_cap=0)
    assert _row(_nudge(org.staff))[0] == PushStatus.CAPPED
    assert receiver.received == []


# Stale and lost pushes --------------------------------------------------------------------------------

def test_a_streak_reminder_held_past_its_evening_is_dropped(quiet_app, org, receiver, browser, clock):
    subscribe(org.staff, browser, receiver)
    clock.now = datetime.now(UTC).replace(tzinfo=None) + timedelta(hours=5)
    notification_id = _nudge(org.staff, "streak_at_risk", days=4)
    assert _row(notification_id)[:2] == (PushStatus.SKIPPED, "stale")
    assert receiver.received == []


def test_a_push_whose_job_was_lost_is_queued_again(push_app, org, receiver, browser, clock):
    subscribe(org.staff, browser, receiver)
    lost, ancient = (nudges.send(org.staff.id, "badge_earned", "/home", badge="Mentor").id for _ in range(2))
    # As if the queue had been unreachable at commit: the rows exist, no job does.
    db.session.flush()
    db.session.execute(sa.update(Notification).where(Notification.id == lost)
                       .values(queued_at=clock.now - timedelta(hours=2)))
    db.session.execute(sa.update(Notification).where(Notification.id == ancient)
                       .values(created_at=clock.now - timedelta(days=3),
                               queued_at=clock.now - timedelta(days=3)))
    db.session.info.pop("ascent_after_commit", None)  # drop the after-commit jobs: they are "lost"
    db.session.commit()
    assert receiver.received == []

    assert delivery.release_held(clock.now) == [lost]
    assert len(receiver.wait_for(1)) == 1
    assert _row(lost)[0] == PushStatus.SENT
    assert _row(ancient)[:2] == (PushStatus.SKIPPED, "stale")
