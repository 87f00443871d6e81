"""Review nudges: when a phase opens and two days before it is due, everyone with something to do in it
hears about it once (dedupe keys name the cycle, phase, moment and person), whatever runs twice."""

from datetime import date, timedelta

import sqlalchemy as sa
from babel.dates import format_date
from flask_babel import lazy_gettext as _l
from huey import crontab

from app import nudges
from app.core.models import utcnow
from app.extensions import db
from app.jobs import periodic_job
from app.org.models import Person, Role, Store
from app.reviews.models import PeerReview, PeerStatus, Phase, Review, ReviewCycle

REMIND_DAYS_BEFORE = 2

nudges.register_nudge_type(
    "review_phase_due", title=_l("%(task)s"), body=_l("%(cycle)s · %(due)s"),
    label=_l("Review steps to do"), tag="review:%(cycle_id)s", order=60)
nudges.register_nudge_type(
    "review_ready_to_sign", title=_l("Your review is ready"),
    body=_l("Read it and sign it off: %(cycle)s · %(due)s"), label=_l("Review ready to sign"),
    tag="review:%(cycle_id)s", order=61)
nudges.register_nudge_type(
    "review_nomination", title=_l("%(name)s asked for reviewers"),
    body=_l("Approve or decline who gives them feedback."), label=_l("Reviewer nominations"),
    roles=(Role.STORE_MANAGER, Role.DISTRICT_MANAGER, Role.HR, Role.ADMIN), order=62)
nudges.register_nudge_type(
    "review_peer_asked", title=_l("Feedback for %(name)s"),
    body=_l("You've been asked for a short review of %(name)s."), label=_l("Peer reviews asked of me"), order=63)

TASKS = {
    "self": _l("Write your self-review"),
    "manager": _l("Write your team's reviews"),
    "peer": _l("Give the feedback you were asked for"),
    "calibration": _l("Calibrate your district's ratings"),
    "sign": _l("Sign off your review"),
}


def _due_text(due: date | None, locale: str):
    if due is None:
        return _l("no due date")
    return _l("due %(date)s", date=format_date(due, format="medium", locale=locale or "en"))


def _to_do(cycle: ReviewCycle) -> list[tuple[int, str, str]]:
    """(person id, task, path) for everyone with something left to do in the cycle's phase."""
    todo: list[tuple[int, str, str]] = []
    open_reviews = sa.select(Review).where(Review.cycle_id == cycle.id)
    if cycle.phase == Phase.SELF_REVIEW:
        for review_id, person_id in db.session.execute(
                open_reviews.where(Review.self_submitted_at.is_(None)).with_only_columns(Review.id, Review.person_id)):
            todo.append((person_id, "self", nudges.path_for("reviews.review", review_id=review_id)))
    if cycle.phase == Phase.MANAGER_REVIEW:
        managers = db.session.scalars(open_reviews.where(Review.manager_submitted_at.is_(None),
                                                         Review.manager_id.is_not(None))
                                      .with_only_columns(Review.manager_id).distinct())
        todo.extend((manager_id, "manager", nudges.path_for("reviews.to_write")) for manager_id in managers)
    if cycle.phase in (Phase.SELF_REVIEW, Phase.MANAGER_REVIEW):
        for peer_id, reviewer_id in db.session.execute(
                sa.select(PeerReview.id, PeerReview.reviewer_id).join(Review, Review.id == PeerReview.review_id)
                .where(Review.cycle_id == cycle.id, PeerReview.status == PeerStatus.APPROVED)):
            todo.append((reviewer_id, "peer", nudges.path_for("reviews.peer_form", peer_id=peer_id)))
    if cycle.phase == Phase.CALIBRATION:
        districts = sa.select(Store.district_id).join(Review, Review.store_id == Store.id).where(
            Review.cycle_id == cycle.id)
        path = nudges.path_for("reviews.calibration", cycle_id=cycle.id)
        todo.extend((dm_id, "calibration", path) for dm_id in db.session.scalars(
            sa.select(Person.id).where(Person.role == Role.DISTRICT_MANAGER, Person.active.is_(True),
                                       Person.district_id.in_(districts))))
    if cycle.phase == Phase.SIGN_OFF:
        for review_id, person_id in db.session.execute(
                open_reviews.where(Review.signed_off_at.is_(None),
                                   sa.or_(Review.overall_rating.is_not(None), Review.calibrated_rating.is_not(None)))
                .with_only_columns(Review.id, Review.person_id)):
            todo.append((person_id, "sign", nudges.path_for("reviews.review", review_id=review_id)))
    return todo


def _send_all(cycle: ReviewCycle, moment: str) -> int:
    todo = _to_do(cycle)
    if not todo:
        return 0
    locales = dict(db.session.execute(sa.select(Person.id, Person.locale)
                                      .where(Person.id.in_({person_id for person_id, _t, _p in todo}))).all())
    due = cycle.current_due
    sent = 0
    for person_id, task, path in todo:
        kind = "review_ready_to_sign" if task == "sign" and moment == "open" else "review_phase_due"
        # The path tells one peer request from another asked of the same person.
        key = f"review:{cycle.id}:{cycle.phase}:{moment}:{task}:{person_id}:{path}"[:200]
        if nudges.send(person_id, kind, path, dedupe_key=key, task=TASKS[task], cycle=cycle.name,
                       cycle_id=cycle.id, due=_due_text(due, locales.get(person_id, "en"))):
            sent += 1
    return sent


def announce_phase(cycle: ReviewCycle) -> int:
    """The phase has just opened: tell whoever has something to do in it."""
    return _send_all(cycle, "open")


def remind_due(today: date) -> int:
    """Two days (or less) before a phase is due, remind whoever still has something to do."""
    sent = 0
    for cycle in db.session.scalars(sa.select(ReviewCycle).where(
            ReviewCycle.phase.in_((Phase.SELF_REVIEW, Phase.MANAGER_REVIEW, Phase.CALIBRATION, Phase.SIGN_OFF)))):
        due = cycle.current_due
        if due is not None and today <= due <= today + timedelta(days=REMIND_DAYS_BEFORE):
            sent += _send_all(cycle, "due")
    return sent


@periodic_job(crontab(minute="23", hour="*"))
def review_phase_reminders() -> int:
    sent = remind_due(utcnow().date())
    db.session.commit()
    return sent
