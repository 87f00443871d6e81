"""Grants, stage-ups and streaks stay single when writers race (real threads, whichever database)."""

import threading
from datetime import date

import sqlalchemy as sa

from app.badges import services
from app.badges.models import BadgeDefinition, BadgeGrant
from app.core.signals import ActivityRecorded, activity_recorded
from app.extensions import db
from app.journey.models import StageChange
from app.org.models import Person
from app.points import ledger
from app.points.models import PointEntry
from app.streaks.models import Streak


def _race(app, threads: int, work) -> list[Exception]:
    errors: list[Exception] = []
    db.session.close()  # the test's own session must not hold SQLite's write lock
    barrier = threading.Barrier(threads)

    def worker(n):
        with app.app_context():
            barrier.wait()
            try:
                work(n)
                db.session.commit()
            except Exception as error:  # collected and asserted below
                db.session.rollback()
                errors.append(error)
            db.session.remove()

    pool = [threading.Thread(target=worker, args=(n,)) for n in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return errors


def test_racing_grants_of_one_badge_grant_and_pay_once(app, org):
    staff_id = org.staff.id

    def work(_n):
        person = db.session.get(Person, staff_id)
        badge = db.session.scalar(sa.select(BadgeDefinition).where(BadgeDefinition.key == "mentor"))
        services.grant(person, badge)

    assert _race(app, 12, work) == []
    assert db.session.scalar(sa.select(sa.func.count(BadgeGrant.id))) == 1
    paid = sa.select(sa.func.count(PointEntry.id)).where(PointEntry.source_type == "badge")
    assert db.session.scalar(paid) == 1
    assert ledger.balances(staff_id) == (30, 30)


def test_racing_awards_record_one_stage_up(app, org):
    staff_id = org.staff.id

    def work(n):
        person = db.session.get(Person, staff_id)
        ledger.award(person, 40, source_type="mission", reason="race", idempotency_key=f"race:{n}")

    assert _race(app, 8, work) == []
    changes = db.session.scalars(sa.select(StageChange)).all()
    assert [change.to_stage.key for change in changes] == ["engagement"]


def test_racing_activities_count_a_day_once(app, org):
    staff_id = org.staff.id

    def work(n):
        person = db.session.get(Person, staff_id)
        activity_recorded.send(None, event=ActivityRecorded(person=person, activity="mission",
                                                            on=date(2026, 3, 2 + n % 3)))

    assert _race(app, 9, work) == []
    streak = db.session.scalar(sa.select(Streak).where(Streak.person_id == staff_id))
    assert streak.best >= 1 and streak.last_active_on == date(2026, 3, 4)
