"""The periodic jobs: streak at risk in the evening, missions due tomorrow in the morning (each at the
local hour of the person's store), the managers' weekly digest, and pruning. Running twice nudges once."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from app.extensions import db
from app.missions.models import AssignmentStatus, Audience, Mission, MissionAssignment, MissionSubmission
from app.nudges import schedule
from app.nudges.models import Notification
from app.org.models import Role
from app.points import disputes, ledger
from app.points.models import PointEntry
from app.streaks.models import ActiveDay, Streak
from tests.factories import make_person, make_store

ROME = ZoneInfo("Europe/Rome")


def at(day: date, clock: time, zone: ZoneInfo = ROME) -> datetime:
    return datetime.combine(day, clock, tzinfo=zone).astimezone(UTC).replace(tzinfo=None)


def nudges_of(person, nudge_type: str) -> list[Notification]:
    rows = list(db.session.scalars(sa.select(Notification).where(
        Notification.person_id == person.id, Notification.nudge_type == nudge_type)
        .order_by(Notification.id)))
    db.session.rollback()
    return rows


# Streak at risk --------------------------------------------------------------------------------------

def _streak(person, days: int, last: date) -> None:
    db.session.add(Streak(person_id=person.id, current=days, best=days, last_active_on=last))
    db.session.commit()


def test_an_evening_without_activity_nudges_a_live_streak_once(push_app, org):
    today = date(2026, 11, 18)
    _streak(org.staff, 4, today - timedelta(days=1))
    _streak(org.colleague, 6, today)  # already active today
    _streak(org.sibling_staff, 3, today - timedelta(days=20))  # long broken

    assert schedule.run_time_based(at(today, time(18, 50))) == 0  # not evening yet
    assert schedule.run_time_based(at(today, time(19, 5))) == 1
    assert schedule.run_time_based(at(today, time(19, 50))) == 0  # the next run in the hour

    [nudge] = nudges_of(org.staff, "streak_at_risk")
    assert nudge.title == "Keep your 4-day streak"
    assert nudge.url == "/streak/"
    assert nudges_of(org.colleague, "streak_at_risk") == []
    assert nudges_of(org.sibling_staff, "streak_at_risk") == []

    # The next evening is another event.
    db.session.add(ActiveDay(person_id=org.staff.id, day=today, first_activity="mission"))
    db.session.execute(sa.update(Streak).where(Streak.person_id == org.staff.id)
                       .values(current=5, last_active_on=today))
    db.session.commit()
    assert schedule.run_time_based(at(today + timedelta(days=1), time(19, 5))) == 2  # the colleague too now
    assert [n.title for n in nudges_of(org.staff, "streak_at_risk")][-1] == "Keep your 5-day streak"


def test_the_evening_is_the_stores_evening(push_app, org):
    tokyo = make_store(org.district, timezone="Asia/Tokyo")
    far = make_person(Role.STAFF, store=tokyo)
    db.session.commit()
    today = date(2026, 11, 18)
    _streak(far, 2, today - timedelta(days=1))
    _streak(org.staff, 2, today - timedelta(days=1))
    assert schedule.run_time_based(at(today, time(19, 10), ZoneInfo("Asia/Tokyo"))) == 1
    assert len(nudges_of(far, "streak_at_risk")) == 1
    assert nudges_of(org.staff, "streak_at_risk") == []


# Missions due tomorrow -------------------------------------------------------------------------------

def _assignment(person, title: str, due: date, status: str = AssignmentStatus.OPEN) -> None:
    mission = Mission(title=title, points=10, start_date=due - timedelta(days=7), due_date=due,
                      audience=Audience.PEOPLE, store_id=person.store_id)
    db.session.add(mission)
    db.session.flush()
    db.session.add(MissionAssignment(mission_id=mission.id, person_id=person.id,
                                     period_start=mission.start_date, due_date=due, status=status))
    db.session.commit()


def test_the_morning_before_the_due_date_lists_whats_still_to_do(push_app, org):
    today = date(2026, 11, 18)
    tomorrow = today + timedelta(days=1)
    _assignment(org.staff, "Window display", tomorrow)
    _assignment(org.staff, "Loyalty quiz", tomorrow)
    _assignment(org.staff, "Stock count", tomorrow, status=AssignmentStatus.DONE)
    _assignment(org.staff, "Next week's thing", tomorrow + timedelta(days=3))
    _assignment(org.colleague, "Window display", tomorrow)

    assert schedule.run_time_based(at(today, time(8, 30))) == 0
    assert schedule.run_time_based(at(today, time(9, 0))) == 2
    assert schedule.run_time_based(at(today, time(9, 45))) == 0

    [nudge] = nudges_of(org.staff, "mission_due_tomorrow")
    assert nudge.title == "Due tomorrow"
    assert nudge.body == "Still to do: “Loyalty quiz”, “Window display”."
    assert nudge.url == "/missions/"
    assert len(nudges_of(org.colleague, "mission_due_tomorrow")) == 1


# Weekly digest ------------------------------------------------------------------------------------------

def test_managers_get_a_weekly_digest_of_their_stores(push_app, org):
    now = datetime(2026, 11, 23, 6, 0)  # a Monday morning
    last_week = datetime(2026, 11, 18, 12, 0)
    earned = ((org.staff, 30), (org.colleague, 20), (org.sibling_staff, 15), (org.other_staff, 99))
    for person, points in earned:
        ledger.award(person, points, source_type="manual", reason="Week",
                     idempotency_key=f"digest:{person.id}")
    ledger.award(org.staff, 500, source_type="manual", reason="Older", idempotency_key="digest:old")
    db.session.flush()
    db.session.execute(sa.update(PointEntry).values(created_at=last_week))
    db.session.execute(sa.update(PointEntry).where(PointEntry.idempotency_key == "digest:old")
                       .values(created_at=last_week - timedelta(days=10)))
    entry = db.session.scalar(sa.select(PointEntry).where(PointEntry.person_id == org.colleague.id))
    disputes.open_dispute(org.colleague, entry, "I did more than that")
    _assignment(org.staff, "Photo of the window", date(2026, 11, 30))
    assignment = db.session.scalar(sa.select(MissionAssignment))
    db.session.add(MissionSubmission(assignment_id=assignment.id, person_id=org.staff.id, status="pending",
                                     text_answer="Done"))
    db.session.commit()

    assert schedule.send_weekly_digests(now) == 5  # every store and district manager
    assert schedule.send_weekly_digests(now) == 0

    [store] = nudges_of(org.sm, "weekly_digest")
    assert store.body == ("Points earned: 50 (Milano Duomo 50). Waiting for you: 1 sign-offs, "
                          "1 questions about points.")
    [district] = nudges_of(org.dm, "weekly_digest")
    assert district.body.startswith("Points earned: 65 (Milano Duomo 50 · Monza 15).")
    assert nudges_of(org.staff, "weekly_digest") == []
    assert nudges_of(org.hr, "weekly_digest") == []


def test_old_notifications_are_pruned(push_app, org):
    from app import nudges

    old = nudges.send(org.staff.id, "badge_earned", "/home", badge="A").id
    recent = nudges.send(org.staff.id, "badge_earned", "/home", badge="B").id
    db.session.flush()
    db.session.execute(sa.update(Notification).where(Notification.id == old)
                       .values(created_at=datetime(2020, 1, 1)))
    db.session.commit()
    schedule.prune_notifications.call_local()
    assert list(db.session.scalars(sa.select(Notification.id))) == [recent]


def test_the_periodic_jobs_are_registered_with_the_queue(app):
    from app.jobs import huey

    names = {task.__name__ for task in huey._registry._periodic_tasks}
    expected = {"release_held_pushes", "time_based_nudges", "weekly_manager_digest", "prune_notifications"}
    assert expected <= names
