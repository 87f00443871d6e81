"""Double taps and retries from real threads: a mission pays once, keeps one submission, and
announces its completion once, on SQLite and on PostgreSQL."""

import threading

import sqlalchemy as sa

from app.core.errors import ServiceError
from app.core.signals import mission_completed
from app.core.timezones import local_today
from app.extensions import db
from app.missions import completion
from app.missions.models import EvidenceType, MissionAssignment, MissionSubmission
from app.org.models import Person
from app.points.models import PointEntry
from tests.missions.factories import assign, make_mission


def _race(app, threads: int, action) -> list[Exception]:
    errors: list[Exception] = []
    db.session.close()  # the test's session must hold no transaction (nor SQLite's write lock)
    barrier = threading.Barrier(threads)

    def worker():
        with app.app_context():
            barrier.wait()
            try:
                action()
                db.session.commit()
            except ServiceError as error:
                db.session.rollback()
                errors.append(error)
            finally:
                db.session.remove()

    pool = [threading.Thread(target=worker) for _ in range(threads)]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return errors


def _count(model) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model))


def test_twelve_simultaneous_submits_pay_once(app, org):
    assignment = assign(make_mission(store=org.store, points=20), org.staff)
    db.session.commit()
    staff_id, assignment_id = org.staff.id, assignment.id
    announced = []
    lock = threading.Lock()

    def on_completed(_sender, *, event):
        with lock:
            announced.append(event.assignment.id)

    def submit():
        person = db.session.get(Person, staff_id)
        assignment = db.session.get(MissionAssignment, assignment_id)
        completion.submit(person, assignment, today=local_today(person))

    mission_completed.connect(on_completed)
    try:
        errors = _race(app, 12, submit)
    finally:
        mission_completed.disconnect(on_completed)
    assert errors == []
    assert _count(PointEntry) == 1 and _count(MissionSubmission) == 1
    assert announced == [assignment_id]


def test_two_managers_approving_at_once_pay_once(app, org):
    mission = make_mission(store=org.store, evidence_type=EvidenceType.SIGNOFF, points=35)
    assignment = assign(mission, org.staff)
    completion.submit(org.staff, assignment, today=local_today(org.staff))
    db.session.commit()
    submission_id = db.session.scalar(sa.select(MissionSubmission.id))
    approvers = [org.sm.id, org.dm.id, org.hr.id, org.sm.id]
    turn = iter(range(len(approvers)))
    lock = threading.Lock()

    def approve():
        with lock:
            approver_id = approvers[next(turn)]
        submission = db.session.get(MissionSubmission, submission_id)
        completion.approve(db.session.get(Person, approver_id), submission)

    assert _race(app, len(approvers), approve) == []
    entries = db.session.scalars(sa.select(PointEntry)).all()
    assert [entry.amount for entry in entries] == [35]
