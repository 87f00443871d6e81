"""Doing a mission: ticking the checklist, sending evidence, the manager's sign-off, and the one
payment. Every write locks the assignment row first (FOR UPDATE on PostgreSQL; SQLite writers are
serialised by BEGIN IMMEDIATE), and the ledger key `mission:<assignment id>` makes a double submit,
a retry or a race pay once."""

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core import audit
from app.core.aftercommit import after_commit
from app.core.errors import ServiceError
from app.core.models import utcnow
from app.core.realtime import notify, person_room, store_room
from app.core.signals import ActivityRecorded, MissionCompleted, activity_recorded, mission_completed, settling
from app.core.text import required_text
from app.extensions import db
from app.missions import evidence
from app.missions.dates import local_date
from app.missions.models import (
    AssignmentStatus,
    EvidenceType,
    MissionAssignment,
    MissionSubmission,
    Recurrence,
    StepCheck,
    SubmissionStatus,
)
from app.org.authz import can_manage_person
from app.org.models import Person
from app.points import ledger

MAX_COMMENT = 500


@dataclass(frozen=True)
class Outcome:
    status: str               # the assignment's status afterwards
    paid: int = 0             # points paid by this call; 0 when waiting, or when already paid
    already: bool = False     # nothing happened: the same thing was done before
    quiz: evidence.QuizResult | None = None
    withheld: str | None = None  # why it paid less than the mission says (ledger.Withheld)


def lock(assignment_id: int) -> MissionAssignment | None:
    return db.session.scalar(
        sa.select(MissionAssignment).where(MissionAssignment.id == assignment_id)
        .with_for_update().execution_options(populate_existing=True))


def _own_open(person: Person, assignment: MissionAssignment, today: date) -> MissionAssignment:
    locked = lock(assignment.id)
    if locked is None or locked.person_id != person.id:
        raise ServiceError(_("That mission isn't yours."))
    mission = locked.mission
    if not mission.active:
        raise ServiceError(_("This mission was withdrawn, so it can't be completed any more."))
    if today < locked.period_start:
        raise ServiceError(_("This mission starts on %(day)s.", day=locked.period_start.isoformat()))
    if mission.recurrence != Recurrence.NONE and locked.due_date is not None and today > locked.due_date:
        raise ServiceError(_("This one has closed. The next one is waiting in your missions."))
    return locked


def checked_step_ids(assignment_id: int) -> set[int]:
    return set(db.session.scalars(
        sa.select(StepCheck.step_id).where(StepCheck.assignment_id == assignment_id)))


def set_checklist(person: Person, assignment: MissionAssignment, step_ids: set[int], *,
                  today: date) -> set[int]:
    """Make exactly `step_ids` the ticked steps (a set, not a toggle: a double tap can't untick)."""
    assignment = _own_open(person, assignment, today)
    if assignment.status != AssignmentStatus.OPEN:
        raise ServiceError(_("This mission is already sent, so its checklist can't change."))
    valid = {step.id for step in assignment.mission.steps}
    wanted = set(step_ids) & valid
    current = checked_step_ids(assignment.id)
    if current - wanted:
        db.session.execute(sa.delete(StepCheck).where(StepCheck.assignment_id == assignment.id,
                                                      StepCheck.step_id.in_(current - wanted)))
    for step_id in sorted(wanted - current):
        db.session.add(StepCheck(assignment_id=assignment.id, step_id=step_id))
    db.session.flush()
    return wanted


def submit(person: Person, assignment: MissionAssignment, *, today: date, answer: str | None = None,
           photo: bytes | None = None, answers: dict[int, int] | None = None,
           note: str | None = None) -> Outcome:
    """Send the evidence the mission asks for. Pays at once unless a manager must sign it off.
    Bad evidence raises ServiceError and changes nothing."""
    assignment = _own_open(person, assignment, today)
    if assignment.status != AssignmentStatus.OPEN:
        return Outcome(assignment.status, already=True)
    mission = assignment.mission
    if mission.steps and len(checked_step_ids(assignment.id)) < len(mission.steps):
        raise ServiceError(_("Tick every step of the checklist first."), field="checklist")
    submission = MissionSubmission(assignment_id=assignment.id, person_id=person.id,
                                   status=SubmissionStatus.ACCEPTED)
    quiz = None
    if mission.evidence_type == EvidenceType.TEXT:
        submission.text_answer = evidence.clean_text(answer)
    elif mission.evidence_type == EvidenceType.PHOTO:
        clean = evidence.check_photo(photo)  # what is stored is the re-encoded photo, not the upload
        submission.photo_path = evidence.store_photo(assignment.id, clean.data, clean.extension)
        submission.photo_type, submission.photo_bytes = clean.mime, len(clean.data)
    elif mission.evidence_type == EvidenceType.QUIZ:
        quiz = evidence.score_quiz(mission, answers or {})
        if not quiz.passed:
            raise ServiceError(_("You got %(correct)d of %(total)d right; %(needed)d are needed to pass. "
                                 "Have another look and try again.", correct=quiz.correct, total=quiz.total,
                                 needed=quiz.needed), field="quiz")
        submission.quiz_answers, submission.quiz_correct, submission.quiz_total = (
            quiz.answers, quiz.correct, quiz.total)
    elif mission.evidence_type == EvidenceType.SIGNOFF:
        submission.note = evidence.clean_note(note)
    db.session.add(submission)
    if mission.needs_signoff:
        submission.status = SubmissionStatus.PENDING
        assignment.status = AssignmentStatus.PENDING
        db.session.flush()
        if person.store_id is not None:
            after_commit(lambda room=store_room(person.store_id): notify(room, "signoffs-changed"))
        return Outcome(AssignmentStatus.PENDING, quiz=quiz)
    db.session.flush()
    paid, withheld = _complete(assignment, on=today)
    return Outcome(AssignmentStatus.DONE, paid=paid, quiz=quiz, withheld=withheld)


def _complete(assignment: MissionAssignment, *, on: date,
              awarded_by: Person | None = None) -> tuple[int, str | None]:
    """Mark done and pay through the ledger, which decides how much (its author gets nothing, a manager's
    mission meets the receiver's daily cap): (points paid now, why less than the mission says). The
    completion stands whatever it paid: the work was done."""
    mission, person = assignment.mission, assignment.person
    with settling():  # the payment and the completion are one event: the journey checks the stage once
        payment = ledger.pay_authored(person, mission.points, author=mission.created_by, source_type="mission",
                                      source_id=assignment.id, reason=mission.title,
                                      idempotency_key=f"mission:{assignment.id}", awarded_by=awarded_by)
        assignment.status = AssignmentStatus.DONE
        assignment.completed_at = assignment.completed_at or utcnow()
        assignment.points_paid = payment.entry.amount if payment.entry is not None else 0
        db.session.flush()
        after_commit(lambda room=person_room(person.id): notify(room, "missions-changed"))
        # Paid now, or paid nothing only because a limit was reached: the work counts (streaks, journey).
        # Its author's own completion, or a replay, counts for nothing.
        counts = payment.created or (payment.entry is None and payment.withheld != ledger.Withheld.AUTHOR)
        if not counts:
            return 0, payment.withheld
        mission_completed.send(None, event=MissionCompleted(person=person, mission=mission, assignment=assignment))
        activity_recorded.send(None, event=ActivityRecorded(person=person, activity="mission", on=on))
    return payment.paid, payment.withheld


# Sign-off ------------------------------------------------------------------------------------------

def _pending(approver: Person, submission: MissionSubmission) -> tuple[MissionAssignment, MissionSubmission]:
    if not can_manage_person(approver, submission.person):
        raise ServiceError(_("You can only sign off evidence from people you manage."))
    assignment = lock(submission.assignment_id)
    db.session.refresh(submission)
    return assignment, submission


def approve(approver: Person, submission: MissionSubmission) -> Outcome:
    assignment, submission = _pending(approver, submission)
    if submission.status == SubmissionStatus.APPROVED:
        return Outcome(assignment.status, already=True)
    if submission.status != SubmissionStatus.PENDING:
        raise ServiceError(_("This evidence was already sent back; wait for the new one."))
    submission.status = SubmissionStatus.APPROVED
    submission.reviewed_by_id, submission.reviewed_at = approver.id, utcnow()
    audit.record("mission.approved", actor_id=approver.id, target_type="person",
                 target_id=submission.person_id, submission_id=submission.id,
                 mission_id=assignment.mission_id)
    # The streak day is the day the person did the work, not the day the manager looked.
    paid, withheld = _complete(assignment, on=local_date(submission.person, submission.created_at),
                               awarded_by=approver)
    _signoffs_changed(submission.person)
    return Outcome(AssignmentStatus.DONE, paid=paid, withheld=withheld)


def reject(approver: Person, submission: MissionSubmission, comment: str) -> Outcome:
    comment = required_text(comment, max_length=MAX_COMMENT, field="comment",
                            required_message=_("Say what to change, so they can try again."),
                            too_long_message=_("Keep the comment under %(n)d characters.", n=MAX_COMMENT))
    assignment, submission = _pending(approver, submission)
    if submission.status != SubmissionStatus.PENDING:
        raise ServiceError(_("This evidence was already handled."))
    submission.status = SubmissionStatus.REJECTED
    submission.reviewed_by_id, submission.reviewed_at = approver.id, utcnow()
    submission.review_comment = comment
    assignment.status = AssignmentStatus.OPEN
    audit.record("mission.rejected", actor_id=approver.id, target_type="person",
                 target_id=submission.person_id, submission_id=submission.id,
                 mission_id=assignment.mission_id)
    db.session.flush()
    after_commit(lambda room=person_room(submission.person_id): notify(room, "missions-changed"))
    _signoffs_changed(submission.person)
    return Outcome(AssignmentStatus.OPEN)


def _signoffs_changed(person: Person) -> None:
    if person.store_id is not None:
        after_commit(lambda room=store_room(person.store_id): notify(room, "signoffs-changed"))
