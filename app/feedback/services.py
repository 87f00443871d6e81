"""Giving kudos and feedback, asking for feedback, and upward feedback. Plain arguments; every refusal
raises ServiceError before anything is written or the caller rolls back; flushes, the route commits."""

import sqlalchemy as sa
from flask_babel import gettext as _

from app import nudges
from app.core import audit
from app.core.errors import ServiceError
from app.core.models import utcnow
from app.core.signals import KudosGiven, UpwardAnswered, kudos_given, upward_answered
from app.extensions import db
from app.feedback import queries
from app.feedback.models import (
    MAX_MESSAGE,
    MAX_QUESTION,
    MAX_UPWARD,
    Audience,
    CompanyValue,
    Feedback,
    FeedbackKind,
    FeedbackRequest,
    RequestStatus,
    UpwardMessage,
    Visibility,
)
from app.org.models import Person
from app.points import ledger

KUDOS_SOURCE = "kudos"


def _text(value: str | None, *, limit: int, field: str, missing: str) -> str:
    text = (value or "").strip()
    if not text:
        raise ServiceError(missing, field=field)
    if len(text) > limit:
        raise ServiceError(_("Keep it under %(n)d characters.", n=limit), field=field)
    return text


def _receiver(giver: Person, receiver_id: int | None, *, field: str = "receiver_id") -> Person:
    receiver = queries.recipient_or_none(giver, receiver_id)
    if receiver is None:
        raise ServiceError(_("Choose someone from your team."), field=field)
    if receiver.id == giver.id:
        raise ServiceError(_("Kudos and feedback are for someone else: you can't send them to yourself."),
                           field=field)
    if not receiver.active:
        raise ServiceError(_("%(name)s is no longer active.", name=receiver.full_name), field=field)
    return receiver


def _lock_person(person_id: int) -> None:
    """Serialise one giver's kudos so two at once can't both spend the last of the budget (SQLite's
    BEGIN IMMEDIATE already does; FOR NO KEY UPDATE on PostgreSQL)."""
    db.session.execute(sa.select(Person.id).where(Person.id == person_id).with_for_update(key_share=True))


# -- Kudos -------------------------------------------------------------------------------------------

def give_kudos(giver: Person, receiver_id: int | None, message: str, *, value_id: int | None = None,
               public: bool = True, points: int | None = 0) -> Feedback:
    """Praise a colleague, tagged with a company value, public (the store feed) or private, optionally
    with points from the giver's monthly kudos budget, paid through the ledger."""
    receiver = _receiver(giver, receiver_id)
    message = _text(message, limit=MAX_MESSAGE, field="message", missing=_("Say what they did well."))
    value = None
    if value_id:
        value = db.session.get(CompanyValue, value_id)
        if value is None or not value.active:
            raise ServiceError(_("Pick one of the company values shown."), field="value_id")
    points = points or 0
    if points < 0:
        raise ServiceError(_("Points can't be negative."), field="points")
    if points:
        _lock_person(giver.id)
        budget = queries.budget(giver)
        if points > budget.per_kudos:
            raise ServiceError(_("One kudos can carry at most %(n)d points.", n=budget.per_kudos), field="points")
        if points > budget.left:
            raise ServiceError(_("Your kudos budget has %(left)d of %(total)d points left this month.",
                                 left=budget.left, total=budget.total), field="points")
    kudos = Feedback(kind=FeedbackKind.KUDOS, giver_id=giver.id, receiver_id=receiver.id, message=message,
                     value_id=value.id if value else None, points=points,
                     visibility=Visibility.PUBLIC if public else Visibility.PRIVATE)
    db.session.add(kudos)
    db.session.flush()
    if points:
        ledger.award(receiver, points, source_type=KUDOS_SOURCE, source_id=kudos.id, awarded_by=giver,
                     reason=_("Kudos from %(name)s", name=giver.display_name),
                     idempotency_key=f"kudos:{kudos.id}")
        audit.record("feedback.kudos_points", actor_id=giver.id, target_type="person", target_id=receiver.id,
                     kudos_id=kudos.id, points=points)
    nudges.send(receiver.id, "kudos_received", nudges.path_for("feedback.item", feedback_id=kudos.id),
                dedupe_key=f"kudos_received:{kudos.id}", name=giver.display_name, message=message,
                kudos_id=kudos.id)
    # In the transaction: the kudos badges count it and the store feed shows it (when public), or nothing
    # happened.
    kudos_given.send(None, event=KudosGiven(kudos=kudos, giver=giver, receiver=receiver, value=value, public=public))
    return kudos


# -- Constructive feedback ---------------------------------------------------------------------------

def give_feedback(giver: Person, receiver_id: int | None, message: str) -> Feedback:
    """Private feedback: the receiver, the giver and the receiver's managers read it."""
    receiver = _receiver(giver, receiver_id)
    message = _text(message, limit=MAX_MESSAGE, field="message", missing=_("Write your feedback."))
    item = Feedback(kind=FeedbackKind.FEEDBACK, giver_id=giver.id, receiver_id=receiver.id, message=message,
                    visibility=Visibility.PRIVATE)
    db.session.add(item)
    db.session.flush()
    _nudge_feedback(item, giver)
    return item


def _nudge_feedback(item: Feedback, giver: Person) -> None:
    nudges.send(item.receiver_id, "feedback_received", nudges.path_for("feedback.item", feedback_id=item.id),
                dedupe_key=f"feedback_received:{item.id}", name=giver.display_name, message=item.message,
                feedback_id=item.id)


# -- Feedback requests -------------------------------------------------------------------------------

def request_feedback(requester: Person, asked_id: int | None, question: str) -> FeedbackRequest:
    asked = _receiver(requester, asked_id, field="asked_id")
    question = _text(question, limit=MAX_QUESTION, field="question", missing=_("Say what you'd like feedback on."))
    feedback_request = FeedbackRequest(requester_id=requester.id, asked_id=asked.id, question=question)
    db.session.add(feedback_request)
    db.session.flush()
    nudges.send(asked.id, "feedback_requested",
                nudges.path_for("feedback.answer_request", feedback_request_id=feedback_request.id),
                dedupe_key=f"feedback_requested:{feedback_request.id}", name=requester.display_name,
                question=question, request_id=feedback_request.id)
    return feedback_request


def _close_request(feedback_request: FeedbackRequest, status: str) -> None:
    moved = db.session.execute(
        sa.update(FeedbackRequest).where(FeedbackRequest.id == feedback_request.id,
                                         FeedbackRequest.status == RequestStatus.PENDING)
        .values(status=status, closed_at=utcnow()), execution_options={"synchronize_session": False}).rowcount
    db.session.refresh(feedback_request)
    if moved != 1:
        raise ServiceError(_("This request was already answered or cancelled."))


def answer_request(person: Person, feedback_request: FeedbackRequest, message: str) -> Feedback:
    """The asked person answers: the answer is private feedback to the requester."""
    if feedback_request.asked_id != person.id:
        raise ServiceError(_("Only the person asked can answer this request."))
    message = _text(message, limit=MAX_MESSAGE, field="message", missing=_("Write your feedback."))
    _close_request(feedback_request, RequestStatus.ANSWERED)
    item = Feedback(kind=FeedbackKind.FEEDBACK, giver_id=person.id, receiver_id=feedback_request.requester_id,
                    message=message, visibility=Visibility.PRIVATE, request_id=feedback_request.id)
    db.session.add(item)
    db.session.flush()
    _nudge_feedback(item, person)
    return item


def cancel_request(person: Person, feedback_request: FeedbackRequest) -> None:
    if feedback_request.requester_id != person.id:
        raise ServiceError(_("Only the person who asked can cancel this request."))
    _close_request(feedback_request, RequestStatus.CANCELLED)


# -- Upward feedback and questions -------------------------------------------------------------------

ANONYMOUS_NAME = "anonymous"


def ask_upward(author: Person, audience: str, body: str, *, anonymous: bool = False) -> UpwardMessage:
    """Feedback or a question to the author's manager or to management. The author is always stored and
    written to the audit log, anonymous or not: abuse can be followed up by HR."""
    if audience not in tuple(Audience):
        raise ServiceError(_("Choose who it is for."), field="audience")
    recipient = None
    if audience == Audience.MANAGER:
        recipient = author.manager
        if recipient is None or not recipient.active:
            raise ServiceError(_("You have no manager on record: send it to management instead."),
                               field="audience")
    body = _text(body, limit=MAX_UPWARD, field="body", missing=_("Write your feedback or question."))
    message = UpwardMessage(author_id=author.id, store_id=author.store_id, audience=audience,
                            recipient_id=recipient.id if recipient else None, anonymous=anonymous, body=body)
    db.session.add(message)
    db.session.flush()
    audit.record("feedback.upward_sent", actor_id=author.id, target_type="upward_message", target_id=message.id,
                 audience=audience, anonymous=anonymous, recipient_id=message.recipient_id)
    notified = recipient or author.manager
    if notified is not None and notified.active:
        nudges.send(notified.id, "upward_received", nudges.path_for("feedback.upward_item", upward_id=message.id),
                    dedupe_key=f"upward_received:{message.id}",
                    name=_("An anonymous colleague") if anonymous else author.display_name,
                    body=body, upward_id=message.id)
    return message


def answer_upward(person: Person, message: UpwardMessage, answer: str, *, share: bool = False) -> None:
    """Answer once; with `share`, the question and answer go to the author's store feed (without the
    author's name when it was sent anonymously)."""
    if not queries.can_answer(person, message):
        raise ServiceError(_("You can't answer this message."))
    answer = _text(answer, limit=MAX_UPWARD, field="answer", missing=_("Write your answer."))
    moved = db.session.execute(
        sa.update(UpwardMessage).where(UpwardMessage.id == message.id, UpwardMessage.answered_at.is_(None))
        .values(answer=answer, answered_by_id=person.id, answered_at=utcnow(),
                shared=bool(share and message.store_id)),
        execution_options={"synchronize_session": False}).rowcount
    db.session.refresh(message)
    if moved != 1:
        raise ServiceError(_("This message has already been answered."))
    audit.record("feedback.upward_answered", actor_id=person.id, target_type="upward_message",
                 target_id=message.id, shared=message.shared)
    upward_answered.send(None, event=UpwardAnswered(message=message, answered_by=person))  # the feed, if shared
    nudges.send(message.author_id, "upward_answered", nudges.path_for("feedback.upward_item", upward_id=message.id),
                dedupe_key=f"upward_answered:{message.id}", answer=answer, upward_id=message.id)
