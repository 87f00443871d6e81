"""Review nudges: to whoever has something to do, when a phase opens and two days before it's due, once."""

from datetime import date, timedelta

import sqlalchemy as sa

from app.extensions import db
from app.nudges.models import Notification
from app.reviews import cycles, nudging
from tests.reviews.factories import make_cycle, review_of


def _nudges(kind: str | None = None) -> list[tuple[int, str]]:
    query = sa.select(Notification.person_id, Notification.nudge_type).order_by(Notification.id)
    if kind:
        query = query.where(Notification.nudge_type == kind)
    return [tuple(row) for row in db.session.execute(query)]


def test_each_phase_nudges_whoever_has_something_to_do(org):
    cycle = make_cycle("self_review", [org.staff, org.colleague, org.sibling_staff])
    review_of(cycle, org.colleague).manager_submitted_at = review_of(cycle, org.colleague).created_at
    cycles.advance(org.hr, cycle, "self_review")
    # Store managers with a review left to write, once each.
    assert _nudges("review_phase_due") == [(org.sm.id, "review_phase_due"), (org.sibling_sm.id, "review_phase_due")]
    cycles.advance(org.hr, cycle, "manager_review")
    assert (org.dm.id, "review_phase_due") in _nudges() and (org.other_dm.id, "review_phase_due") not in _nudges()
    review_of(cycle, org.staff).overall_rating = 4
    cycles.advance(org.hr, cycle, "calibration")
    assert _nudges("review_ready_to_sign") == [(org.staff.id, "review_ready_to_sign")]


def test_due_reminders_two_days_before_and_only_once(org):
    today = date(2026, 7, 8)
    cycle = make_cycle("self_review", [org.staff, org.colleague], self_due=today + timedelta(days=3))
    review_of(cycle, org.colleague).self_submitted_at = review_of(cycle, org.colleague).created_at
    assert nudging.remind_due(today) == 0
    assert nudging.remind_due(today + timedelta(days=1)) == 1
    assert nudging.remind_due(today + timedelta(days=2)) == 0  # the same reminder, not again
    assert _nudges() == [(org.staff.id, "review_phase_due")]
    body = db.session.scalar(sa.select(Notification.body))
    assert body == "First half 2026 · due Jul 11, 2026"


def test_the_periodic_job_commits_and_is_idempotent(org):
    make_cycle("sign_off", [org.staff], sign_off_due=date.today())
    review_of(db.session.scalar(sa.select(nudging.ReviewCycle)), org.staff).overall_rating = 3
    db.session.commit()
    nudging.review_phase_reminders.call_local()
    nudging.review_phase_reminders.call_local()
    db.session.expire_all()
    assert _nudges() == [(org.staff.id, "review_phase_due")]
