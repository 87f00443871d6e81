"""Who may read which feedback, the inbox lists, the kudos budget, and `last_feedback_at` for coaching.

Visibility, in one place:
- a public kudos: anyone who can see the receiver (it is in their store feed too);
- a private kudos or constructive feedback: the receiver, the giver and the receiver's managers
  (`managed_people`: their store manager, district manager, HR and admins) — never a colleague;
- upward feedback: the author; the manager it was sent to (or, sent to "management", everyone who
  manages the author); HR and admins. Anonymous hides the author from all of them but HR and admins."""

from dataclasses import dataclass
from datetime import datetime, time

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import selectinload

from app.core.models import utcnow
from app.core.timezones import local_time, utc_of, zone_for
from app.extensions import db
from app.feedback.models import (
    Audience,
    Feedback,
    FeedbackKind,
    FeedbackRequest,
    RequestStatus,
    UpwardMessage,
    Visibility,
)
from app.org.authz import managed_people, visible_people
from app.org.models import ORG_WIDE_ROLES, Person

LIST_LIMIT = 50


# -- Feedback and kudos ------------------------------------------------------------------------------

def readable_feedback(viewer: Person) -> sa.Select:
    managed_ids = managed_people(viewer).with_only_columns(Person.id)
    visible_ids = visible_people(viewer).with_only_columns(Person.id)
    public_kudos = sa.and_(Feedback.kind == FeedbackKind.KUDOS, Feedback.visibility == Visibility.PUBLIC,
                           Feedback.receiver_id.in_(visible_ids))
    return sa.select(Feedback).where(sa.or_(Feedback.giver_id == viewer.id, Feedback.receiver_id == viewer.id,
                                            Feedback.receiver_id.in_(managed_ids), public_kudos))


def feedback_or_none(viewer: Person, feedback_id: int) -> Feedback | None:
    return db.session.scalar(readable_feedback(viewer).where(Feedback.id == feedback_id)
                             .options(*_feedback_options()))


def _feedback_options():
    return (selectinload(Feedback.giver), selectinload(Feedback.receiver), selectinload(Feedback.value),
            selectinload(Feedback.request))


def received(person: Person, limit: int = LIST_LIMIT) -> list[Feedback]:
    return list(db.session.scalars(sa.select(Feedback).where(Feedback.receiver_id == person.id)
                                   .options(*_feedback_options())
                                   .order_by(Feedback.created_at.desc(), Feedback.id.desc()).limit(limit)))


def given(person: Person, limit: int = LIST_LIMIT) -> list[Feedback]:
    return list(db.session.scalars(sa.select(Feedback).where(Feedback.giver_id == person.id)
                                   .options(*_feedback_options())
                                   .order_by(Feedback.created_at.desc(), Feedback.id.desc()).limit(limit)))


def recipients(giver: Person) -> list[Person]:
    """Whom `giver` may give kudos or feedback to, or ask: people they can see, never themselves."""
    return list(db.session.scalars(visible_people(giver).where(Person.id != giver.id, Person.active.is_(True))
                                   .order_by(Person.full_name, Person.id)))


def recipient_or_none(giver: Person, person_id: int | None) -> Person | None:
    if not person_id:
        return None
    return db.session.scalar(visible_people(giver).where(Person.id == person_id))


def last_feedback_at(person_ids: list[int]) -> dict[int, datetime]:
    """The latest kudos or feedback each person received (people who never got any are left out).
    One query, for the coaching view."""
    if not person_ids:
        return {}
    rows = db.session.execute(sa.select(Feedback.receiver_id, sa.func.max(Feedback.created_at))
                              .where(Feedback.receiver_id.in_(list(person_ids)))
                              .group_by(Feedback.receiver_id))
    return {person_id: latest for person_id, latest in rows}


# -- The kudos budget --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Budget:
    total: int
    used: int
    per_kudos: int

    @property
    def left(self) -> int:
        return max(0, self.total - self.used)

    @property
    def most_now(self) -> int:
        return min(self.left, self.per_kudos)


def month_start_utc(person: Person, now: datetime | None = None) -> datetime:
    """The first moment of the current month in the person's store time zone, as naive UTC."""
    zone = zone_for(person)
    local = local_time(now or utcnow(), zone)
    return utc_of(local.date().replace(day=1), time.min, zone)


def budget(giver: Person) -> Budget:
    used = db.session.scalar(sa.select(sa.func.coalesce(sa.func.sum(Feedback.points), 0)).where(
        Feedback.giver_id == giver.id, Feedback.kind == FeedbackKind.KUDOS,
        Feedback.created_at >= month_start_utc(giver)))
    config = current_app.config
    return Budget(total=config.get("KUDOS_MONTHLY_BUDGET", 50), used=int(used or 0),
                  per_kudos=config.get("KUDOS_MAX_POINTS", 20))


# -- Feedback requests -------------------------------------------------------------------------------

def _request_options():
    return (selectinload(FeedbackRequest.requester), selectinload(FeedbackRequest.asked))


def requests_to_answer(person: Person) -> list[FeedbackRequest]:
    return list(db.session.scalars(sa.select(FeedbackRequest).where(
        FeedbackRequest.asked_id == person.id, FeedbackRequest.status == RequestStatus.PENDING)
        .options(*_request_options()).order_by(FeedbackRequest.created_at, FeedbackRequest.id).limit(LIST_LIMIT)))


def requests_asked(person: Person) -> list[FeedbackRequest]:
    return list(db.session.scalars(sa.select(FeedbackRequest).where(FeedbackRequest.requester_id == person.id)
                                   .options(*_request_options())
                                   .order_by(FeedbackRequest.created_at.desc(), FeedbackRequest.id.desc())
                                   .limit(LIST_LIMIT)))


def pending_request_count(person: Person) -> int:
    return db.session.scalar(sa.select(sa.func.count(FeedbackRequest.id)).where(
        FeedbackRequest.asked_id == person.id, FeedbackRequest.status == RequestStatus.PENDING))


def request_to_answer_or_none(person: Person, request_id: int) -> FeedbackRequest | None:
    return db.session.scalar(sa.select(FeedbackRequest).where(FeedbackRequest.id == request_id,
                                                              FeedbackRequest.asked_id == person.id)
                             .options(*_request_options()))


def own_request_or_none(person: Person, request_id: int) -> FeedbackRequest | None:
    return db.session.scalar(sa.select(FeedbackRequest).where(FeedbackRequest.id == request_id,
                                                              FeedbackRequest.requester_id == person.id))


# -- Upward feedback and questions -------------------------------------------------------------------

def answerable_upward(viewer: Person) -> sa.Select:
    """Upward messages `viewer` receives and may answer (never their own)."""
    query = sa.select(UpwardMessage).where(UpwardMessage.author_id != viewer.id)
    if viewer.role in ORG_WIDE_ROLES:
        return query
    managed_ids = managed_people(viewer).with_only_columns(Person.id)
    to_management = sa.and_(UpwardMessage.audience == Audience.MANAGEMENT,
                            UpwardMessage.author_id.in_(managed_ids))
    return query.where(sa.or_(UpwardMessage.recipient_id == viewer.id, to_management))


def readable_upward(viewer: Person) -> sa.Select:
    answerable_ids = answerable_upward(viewer).with_only_columns(UpwardMessage.id)
    return sa.select(UpwardMessage).where(sa.or_(UpwardMessage.author_id == viewer.id,
                                                 UpwardMessage.id.in_(answerable_ids)))


def _upward_options():
    return (selectinload(UpwardMessage.author), selectinload(UpwardMessage.recipient),
            selectinload(UpwardMessage.answered_by))


def upward_or_none(viewer: Person, upward_id: int) -> UpwardMessage | None:
    return db.session.scalar(readable_upward(viewer).where(UpwardMessage.id == upward_id)
                             .options(*_upward_options()))


def can_answer(viewer: Person, message: UpwardMessage) -> bool:
    return db.session.scalar(answerable_upward(viewer).where(UpwardMessage.id == message.id)
                             .with_only_columns(UpwardMessage.id)) is not None


def upward_received(viewer: Person, limit: int = LIST_LIMIT) -> list[UpwardMessage]:
    """Unanswered first, then newest."""
    return list(db.session.scalars(answerable_upward(viewer).options(*_upward_options())
                                   .order_by(UpwardMessage.answered_at.is_not(None), UpwardMessage.created_at.desc(),
                                             UpwardMessage.id.desc()).limit(limit)))


def upward_mine(person: Person, limit: int = LIST_LIMIT) -> list[UpwardMessage]:
    return list(db.session.scalars(sa.select(UpwardMessage).where(UpwardMessage.author_id == person.id)
                                   .options(*_upward_options())
                                   .order_by(UpwardMessage.created_at.desc(), UpwardMessage.id.desc()).limit(limit)))


def shows_author(viewer: Person, message: UpwardMessage) -> bool:
    """Anonymous hides the author from managers; HR and admins see them for abuse handling."""
    return not message.anonymous or viewer.id == message.author_id or viewer.role in ORG_WIDE_ROLES
