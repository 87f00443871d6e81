"""Doing a mission: each kind of evidence, good and bad; paying exactly once; sign-off."""

import io
from datetime import timedelta

import pytest
import sqlalchemy as sa
from PIL import Image

from app.core.errors import ServiceError
from app.core.signals import activity_recorded, mission_completed
from app.extensions import db
from app.missions import completion
from app.missions.models import (
    AssignmentStatus,
    EvidenceType,
    MissionSubmission,
    Recurrence,
    SubmissionStatus,
)
from app.points.ledger import balances
from app.points.models import PointEntry
from tests.missions.factories import GIF, JPEG, PNG, WEBP, assign, loyalty_quiz, make_mission, today_for


def _entries(person) -> list[PointEntry]:
    return list(db.session.scalars(sa.select(PointEntry).where(PointEntry.person_id == person.id)))


def _submissions() -> int:
    return db.session.scalar(sa.select(sa.func.count(MissionSubmission.id)))


@pytest.fixture
def received():
    """Signals the streaks, badges and journey features listen to, as they arrive."""
    events = []

    def on_completed(_sender, *, event):
        events.append(("mission_completed", event.person.id, event.mission.id, event.assignment.id))

    def on_activity(_sender, *, event):
        events.append(("activity", event.person.id, event.activity, event.on))

    mission_completed.connect(on_completed)
    activity_recorded.connect(on_activity)
    yield events
    mission_completed.disconnect(on_completed)
    activity_recorded.disconnect(on_activity)


def test_tick_mission_pays_once_even_when_sent_twice(org, received):
    assignment = assign(make_mission(store=org.store, people=(org.staff,), points=20), org.staff)
    today = today_for(org.staff)
    first = completion.submit(org.staff, assignment, today=today)
    second = completion.submit(org.staff, assignment, today=today)
    assert (first.status, first.paid, first.already) == (AssignmentStatus.DONE, 20, False)
    assert (second.paid, second.already) == (0, True)
    (entry,) = _entries(org.staff)
    assert (entry.amount, entry.source_type, entry.source_id, entry.idempotency_key) == (
        20, "mission", str(assignment.id), f"mission:{assignment.id}")
    assert balances(org.staff.id) == (20, 20)
    assert received == [("mission_completed", org.staff.id, assignment.mission_id, assignment.id),
                        ("activity", org.staff.id, "mission", today)]


def test_a_replayed_completion_does_not_pay_or_signal_again(org, received):
    assignment = assign(make_mission(store=org.store, people=(org.staff,)), org.staff)
    completion.submit(org.staff, assignment, today=today_for(org.staff))
    # As if a second worker raced past the status check: the ledger key still pays once.
    assert completion._complete(assignment, on=today_for(org.staff)) == (0, None)
    assert len(_entries(org.staff)) == 1
    assert len(received) == 2


def test_checklist_must_be_ticked_before_completing(org):
    mission = make_mission(store=org.store, people=(org.staff,), steps=("Greet", "Smile", "Offer help"))
    assignment = assign(mission, org.staff)
    today = today_for(org.staff)
    completion.set_checklist(org.staff, assignment, {mission.steps[0].id, mission.steps[1].id}, today=today)
    with pytest.raises(ServiceError) as error:
        completion.submit(org.staff, assignment, today=today)
    assert error.value.field == "checklist"
    assert _entries(org.staff) == []
    every_step_and_a_stray = {step.id for step in mission.steps} | {999_999}
    completion.set_checklist(org.staff, assignment, every_step_and_a_stray, today=today)
    assert completion.checked_step_ids(assignment.id) == {step.id for step in mission.steps}
    assert completion.submit(org.staff, assignment, today=today).paid == 20


def test_checklist_set_is_idempotent_and_can_untick(org):
    mission = make_mission(store=org.store, people=(org.staff,), steps=("A", "B"))
    assignment = assign(mission, org.staff)
    today = today_for(org.staff)
    ids = {step.id for step in mission.steps}
    completion.set_checklist(org.staff, assignment, ids, today=today)
    completion.set_checklist(org.staff, assignment, ids, today=today)
    completion.set_checklist(org.staff, assignment, {mission.steps[0].id}, today=today)
    assert completion.checked_step_ids(assignment.id) == {mission.steps[0].id}


def test_nobody_ticks_or_submits_someone_elses_mission(org):
    assignment = assign(make_mission(store=org.store, people=(org.staff,), steps=("A",)), org.staff)
    with pytest.raises(ServiceError):
        completion.set_checklist(org.colleague, assignment, set(), today=today_for(org.staff))
    with pytest.raises(ServiceError):
        completion.submit(org.colleague, assignment, today=today_for(org.staff))


@pytest.mark.parametrize("answer", ["", "   \n ", "x" * 2001])
def test_text_answer_must_be_there_and_not_too_long(org, answer):
    assignment = assign(make_mission(store=org.store, evidence_type=EvidenceType.TEXT), org.staff)
    with pytest.raises(ServiceError) as error:
        completion.submit(org.staff, assignment, today=today_for(org.staff), answer=answer)
    assert error.value.field == "answer"
    assert _entries(org.staff) == [] and _submissions() == 0


def test_text_answer_pays_when_no_sign_off_is_needed(org):
    assignment = assign(make_mission(store=org.store, evidence_type=EvidenceType.TEXT), org.staff)
    outcome = completion.submit(org.staff, assignment, today=today_for(org.staff),
                                answer="  I'd offer the gift receipt and wrap it.  ")
    assert outcome.paid == 20
    submission = db.session.scalar(sa.select(MissionSubmission))
    assert (submission.status, submission.text_answer) == (SubmissionStatus.ACCEPTED,
                                                           "I'd offer the gift receipt and wrap it.")


@pytest.mark.parametrize("data, mime", [(JPEG, "image/jpeg"), (PNG, "image/png"), (WEBP, "image/webp")])
def test_photos_are_accepted_by_their_bytes(org, upload_dir, data, mime):
    assignment = assign(make_mission(store=org.store, evidence_type=EvidenceType.PHOTO), org.staff)
    outcome = completion.submit(org.staff, assignment, today=today_for(org.staff), photo=data)
    assert outcome.paid == 20
    submission = db.session.scalar(sa.select(MissionSubmission))
    assert submission.photo_type == mime
    stored = upload_dir / submission.photo_path
    # Re-encoded, so not the same bytes; the same picture.
    assert Image.open(io.BytesIO(stored.read_bytes())).size == Image.open(io.BytesIO(data)).size
    assert submission.photo_bytes == stored.stat().st_size
    assert stored.parent.name == str(assignment.id)


@pytest.mark.parametrize("data", [None, b"", GIF, b"<svg xmlns='http://www.w3.org/2000/svg'/>",
                                  b"%PDF-1.7 pretending", b"RIFF\x00\x00\x00\x00WAVEfmt "])
def test_anything_but_a_photo_is_refused(org, upload_dir, data):
    assignment = assign(make_mission(store=org.store, evidence_type=EvidenceType.PHOTO), org.staff)
    with pytest.raises(ServiceError) as error:
        completion.submit(org.staff, assignment, today=today_for(org.staff), photo=data)
    assert error.value.field == "photo"
    assert _entries(org.staff) == [] and _submissions() == 0
    assert not upload_dir.exists() or not any(upload_dir.rglob("*.*"))


def test_an_oversized_photo_is_refused_with_its_size(app, org, upload_dir):
    app.config["MISSION_PHOTO_MAX_BYTES"] = 1024
    assignment = assign(make_mission(store=org.store, evidence_type=EvidenceType.PHOTO), org.staff)
    with pytest.raises(ServiceError) as error:
        completion.submit(org.staff, assignment, today=today_for(org.staff), photo=JPEG + b"\x00" * 2048)
    assert "limit" in error.value.message
    assert _entries(org.staff) == [] and not upload_dir.exists()


def _quiz_answers(mission, right: int) -> dict[int, int]:
    answers = {}
    for index, question in enumerate(mission.questions):
        wanted = index < right
        answers[question.id] = next(o.id for o in question.options if o.correct == wanted)
    return answers


def test_a_passed_quiz_pays_and_a_failed_one_pays_nothing(org):
    mission = loyalty_quiz(store=org.store)
    assignment = assign(mission, org.staff)
    today = today_for(org.staff)
    with pytest.raises(ServiceError) as error:
        completion.submit(org.staff, assignment, today=today, answers=_quiz_answers(mission, right=1))
    assert "1 of 2" in error.value.message
    assert _entries(org.staff) == [] and _submissions() == 0
    outcome = completion.submit(org.staff, assignment, today=today, answers=_quiz_answers(mission, right=2))
    assert (outcome.paid, outcome.quiz.correct, outcome.quiz.total) == (30, 2, 2)


def test_a_quiz_pass_mark_below_100_percent(org):
    mission = loyalty_quiz(store=org.store)
    mission.quiz_pass_mark = 50
    assignment = assign(mission, org.staff)
    assert completion.submit(org.staff, assignment, today=today_for(org.staff),
                             answers=_quiz_answers(mission, right=1)).paid == 30


@pytest.mark.parametrize("answers", [{}, "one missing", "foreign option"])
def test_a_quiz_needs_every_question_answered_with_its_own_options(org, answers):
    mission = loyalty_quiz(store=org.store)
    other = loyalty_quiz(store=org.store)
    assignment = assign(mission, org.staff)
    if answers == "one missing":
        answers = dict(list(_quiz_answers(mission, 2).items())[:1])
    elif answers == "foreign option":
        first, second = mission.questions
        answers = {first.id: other.questions[0].options[0].id, second.id: second.options[1].id}
    with pytest.raises(ServiceError) as error:
        completion.submit(org.staff, assignment, today=today_for(org.staff), answers=answers)
    assert error.value.field == "quiz"
    assert _entries(org.staff) == []


def test_sign_off_waits_then_approval_pays_once(org, received):
    mission = make_mission(store=org.store, evidence_type=EvidenceType.SIGNOFF, points=40)
    assignment = assign(mission, org.staff)
    outcome = completion.submit(org.staff, assignment, today=today_for(org.staff), note="Window done")
    assert (outcome.status, outcome.paid) == (AssignmentStatus.PENDING, 0)
    assert _entries(org.staff) == [] and received == []
    again = completion.submit(org.staff, assignment, today=today_for(org.staff))
    assert again.already and _submissions() == 1
    submission = db.session.scalar(sa.select(MissionSubmission))
    assert submission.note == "Window done"
    approved = completion.approve(org.sm, submission)
    assert (approved.status, approved.paid) == (AssignmentStatus.DONE, 40)
    assert completion.approve(org.sm, submission).already
    (entry,) = _entries(org.staff)
    assert (entry.amount, entry.awarded_by_id) == (40, org.sm.id)
    assert [event[0] for event in received] == ["mission_completed", "activity"]


def test_photo_with_approval_waits_for_the_manager(org):
    mission = make_mission(store=org.store, evidence_type=EvidenceType.PHOTO, requires_approval=True)
    assignment = assign(mission, org.staff)
    assert completion.submit(org.staff, assignment, today=today_for(org.staff), photo=PNG).status == \
        AssignmentStatus.PENDING
    assert _entries(org.staff) == []


def test_reject_needs_a_comment_then_the_person_resubmits(org):
    mission = make_mission(store=org.store, evidence_type=EvidenceType.TEXT, requires_approval=True)
    assignment = assign(mission, org.staff)
    today = today_for(org.staff)
    completion.submit(org.staff, assignment, today=today, answer="Dusted")
    first = db.session.scalar(sa.select(MissionSubmission))
    with pytest.raises(ServiceError) as error:
        completion.reject(org.sm, first, "   ")
    assert error.value.field == "comment"
    rejected = completion.reject(org.sm, first, "Please include the shelf labels too.")
    assert rejected.status == AssignmentStatus.OPEN
    assert first.status == SubmissionStatus.REJECTED and first.review_comment
    with pytest.raises(ServiceError):
        completion.approve(org.sm, first)  # a sent-back submission can't be approved afterwards
    outcome = completion.submit(org.staff, assignment, today=today, answer="Dusted, and labels fixed")
    assert outcome.status == AssignmentStatus.PENDING
    second = db.session.scalars(sa.select(MissionSubmission).order_by(MissionSubmission.id.desc())).first()
    assert completion.approve(org.sm, second).paid == 20
    assert len(_entries(org.staff)) == 1


@pytest.mark.parametrize("approver", ["other_sm", "sibling_sm", "colleague", "staff"])
def test_only_managers_of_the_person_sign_off(org, approver):
    assignment = assign(make_mission(store=org.store, evidence_type=EvidenceType.SIGNOFF), org.staff)
    completion.submit(org.staff, assignment, today=today_for(org.staff))
    submission = db.session.scalar(sa.select(MissionSubmission))
    with pytest.raises(ServiceError):
        completion.approve(getattr(org, approver), submission)
    with pytest.raises(ServiceError):
        completion.reject(getattr(org, approver), submission, "no")
    assert submission.status == SubmissionStatus.PENDING and _entries(org.staff) == []


@pytest.mark.parametrize("approver", ["sm", "dm", "hr", "admin"])
def test_managers_in_scope_sign_off(org, approver):
    assignment = assign(make_mission(store=org.store, evidence_type=EvidenceType.SIGNOFF), org.staff)
    completion.submit(org.staff, assignment, today=today_for(org.staff))
    submission = db.session.scalar(sa.select(MissionSubmission))
    assert completion.approve(getattr(org, approver), submission).paid == 20


def test_withdrawn_and_closed_missions_cannot_be_completed(org):
    withdrawn = assign(make_mission(store=org.store, active=False), org.staff)
    today = today_for(org.staff)
    yesterday = today - timedelta(days=1)
    daily = make_mission(store=org.store, recurrence=Recurrence.DAILY, start=today - timedelta(days=5))
    closed = assign(daily, org.staff, period_start=yesterday, due=yesterday)
    future = assign(make_mission(store=org.store, start=today + timedelta(days=2)), org.staff)
    for assignment in (withdrawn, closed, future):
        with pytest.raises(ServiceError):
            completion.submit(org.staff, assignment, today=today)
    assert _entries(org.staff) == []


def test_an_overdue_one_off_mission_can_still_be_done(org):
    today = today_for(org.staff)
    assignment = assign(make_mission(store=org.store, start=today - timedelta(days=9)), org.staff,
                        due=today - timedelta(days=2))
    assert completion.submit(org.staff, assignment, today=today).paid == 20
