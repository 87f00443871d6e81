from datetime import datetime, timedelta

import sqlalchemy as sa

from app.core.models import utcnow
from app.extensions import db
from app.nudges.models import Notification
from app.oneonones import reminders
from tests.oneonones.conftest import add_action, make_one_on_one


def _nudges(kind: str) -> list[Notification]:
    return list(db.session.scalars(sa.select(Notification).where(Notification.nudge_type == kind)
                                   .order_by(Notification.person_id)))


def test_both_sides_hear_about_tomorrows_1on1_once_even_when_the_job_runs_twice(org):
    now = utcnow()
    one = make_one_on_one(org.sm, org.staff, at=now + timedelta(hours=24))
    make_one_on_one(org.sm, org.colleague, at=now + timedelta(hours=30))  # not yet
    make_one_on_one(org.sm, org.colleague, at=now + timedelta(hours=10))  # too close: already told
    make_one_on_one(org.dm, org.sm, at=now + timedelta(hours=22), status="cancelled")
    db.session.commit()

    assert reminders.send_tomorrow_reminders(now) == 2
    db.session.commit()
    assert reminders.send_tomorrow_reminders(now) == 0
    assert reminders.send_tomorrow_reminders(now + timedelta(hours=1)) == 0  # the next hourly run
    db.session.commit()
    sent = _nudges("one_on_one_tomorrow")
    assert {n.person_id for n in sent} == {org.sm.id, org.staff.id}
    assert all(n.url == f"/one-on-ones/{one.id}" for n in sent)
    to_staff = next(n for n in sent if n.person_id == org.staff.id)
    assert "Sofia" in to_staff.title


def test_a_rescheduled_1on1_is_reminded_again(org):
    now = utcnow()
    one = make_one_on_one(org.sm, org.staff, at=now + timedelta(hours=24))
    db.session.commit()
    reminders.send_tomorrow_reminders(now)
    one.scheduled_at = now + timedelta(hours=48)
    db.session.commit()
    assert reminders.send_tomorrow_reminders(now + timedelta(hours=25)) == 2


def test_the_periodic_job_runs_and_commits(org):
    make_one_on_one(org.sm, org.staff, at=utcnow() + timedelta(hours=21))
    db.session.commit()
    reminders.one_on_one_reminders.call_local()
    reminders.one_on_one_reminders.call_local()
    assert len(_nudges("one_on_one_tomorrow")) == 2


def test_owners_hear_about_actions_due_today_from_eight_local(org):
    one = make_one_on_one(org.sm, org.staff, days=-7, status="done")
    due = add_action(one, org.staff, "Learn the till")
    add_action(one, org.sm, "Done already", done=True)
    db.session.commit()
    day = datetime(2026, 12, 3)
    due.due_on = day.date()
    db.session.commit()
    assert reminders.send_action_reminders(day.replace(hour=5)) == 0  # 06:00 in Rome: too early
    assert reminders.send_action_reminders(day.replace(hour=9)) == 1
    db.session.commit()
    assert reminders.send_action_reminders(day.replace(hour=10)) == 0
    [sent] = _nudges("action_item_due")
    assert sent.person_id == org.staff.id and "Learn the till" in sent.title
