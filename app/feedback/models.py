"""Company values, kudos and feedback, feedback requests, and upward feedback and questions.

Kudos and constructive feedback share one table (`feedback_items`): a kudos may be public (it goes to
the store feed) and carry points; constructive feedback is always private. The answer to a feedback
request is a private feedback item linked to the request."""

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Base, LabelledEnum, TimestampMixin
from app.org.models import Person

MAX_MESSAGE = 500
MAX_QUESTION = 280
MAX_UPWARD = 1000

# Built-in values: (key, English name as stored, its translation, description).
DEFAULT_VALUES = (
    ("customer_first", "Customer first", _l("Customer first"), "Every customer leaves happier than they came."),
    ("teamwork", "Teamwork", _l("Teamwork"), "We win as a store, not alone."),
    ("ownership", "Ownership", _l("Ownership"), "See it, own it, fix it."),
    ("learning", "Learning", _l("Learning"), "Curious, and better every week."),
    ("integrity", "Integrity", _l("Integrity"), "Honest with customers and with each other."),
)
_TRANSLATED_NAMES = {name: label for _key, name, label, _description in DEFAULT_VALUES}


class CompanyValue(TimestampMixin, Base):
    """A company value or competency a kudos can be tagged with (HR edits the list)."""

    __tablename__ = "company_values"

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str | None] = mapped_column(sa.String(40), unique=True)  # built-ins only
    name: Mapped[str] = mapped_column(sa.String(60), unique=True)
    description: Mapped[str] = mapped_column(sa.String(200), default="")
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def display_name(self) -> str:
        """A built-in name in the reader's language; a name HR wrote, as written."""
        label = _TRANSLATED_NAMES.get(self.name)
        return str(label) if label is not None else self.name


class FeedbackKind(enum.StrEnum):
    KUDOS = "kudos"
    FEEDBACK = "feedback"  # constructive, always private


class Visibility(enum.StrEnum):
    PUBLIC = "public"  # the receiver's store feed
    PRIVATE = "private"  # the receiver, the giver and the receiver's managers


class Feedback(TimestampMixin, Base):
    __tablename__ = "feedback_items"
    __table_args__ = (
        sa.CheckConstraint("points >= 0", name="points_not_negative"),
        sa.CheckConstraint("giver_id <> receiver_id", name="not_to_self"),
        sa.Index("ix_feedback_items_receiver_created", "receiver_id", "created_at"),
        sa.Index("ix_feedback_items_giver_created", "giver_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(sa.String(10))
    giver_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"))
    receiver_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"))
    message: Mapped[str] = mapped_column(sa.String(MAX_MESSAGE))
    value_id: Mapped[int | None] = mapped_column(sa.ForeignKey("company_values.id", ondelete="SET NULL"))
    visibility: Mapped[str] = mapped_column(sa.String(10), default=Visibility.PRIVATE)
    points: Mapped[int] = mapped_column(default=0)
    # Set when this item answers a feedback request.
    request_id: Mapped[int | None] = mapped_column(sa.ForeignKey("feedback_requests.id"), unique=True)

    giver: Mapped[Person] = relationship(foreign_keys=[giver_id])
    receiver: Mapped[Person] = relationship(foreign_keys=[receiver_id])
    value: Mapped[CompanyValue | None] = relationship()
    request: Mapped["FeedbackRequest | None"] = relationship(foreign_keys=[request_id])

    @property
    def is_kudos(self) -> bool:
        return self.kind == FeedbackKind.KUDOS

    @property
    def is_public(self) -> bool:
        return self.visibility == Visibility.PUBLIC


class RequestStatus(enum.StrEnum):
    PENDING = "pending"
    ANSWERED = "answered"
    CANCELLED = "cancelled"


class FeedbackRequest(TimestampMixin, Base):
    """"How did my upsell pitch go?": someone asks a person in scope for feedback."""

    __tablename__ = "feedback_requests"
    __table_args__ = (
        sa.Index("ix_feedback_requests_asked_status", "asked_id", "status"),
        sa.Index("ix_feedback_requests_requester_created", "requester_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    requester_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"))
    asked_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"))
    question: Mapped[str] = mapped_column(sa.String(MAX_QUESTION))
    status: Mapped[str] = mapped_column(sa.String(10), default=RequestStatus.PENDING)
    closed_at: Mapped[datetime | None]

    requester: Mapped[Person] = relationship(foreign_keys=[requester_id])
    asked: Mapped[Person] = relationship(foreign_keys=[asked_id])


class Audience(LabelledEnum):
    MANAGER = "manager", _l("My manager")        # the author's own manager
    MANAGEMENT = "management", _l("Management")  # everyone who manages the author: store, district, HR


AUDIENCE_LABELS = Audience.labels()


class UpwardMessage(TimestampMixin, Base):
    """Feedback or a question from a person to their manager or to management. When anonymous, the
    recipients see "Anonymous colleague"; the author is still stored (and audited) for abuse handling."""

    __tablename__ = "upward_messages"
    __table_args__ = (
        sa.Index("ix_upward_messages_recipient_created", "recipient_id", "created_at"),
        sa.Index("ix_upward_messages_author_created", "author_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"))
    store_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stores.id"), index=True)
    audience: Mapped[str] = mapped_column(sa.String(12))
    recipient_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"))
    anonymous: Mapped[bool] = mapped_column(default=False)
    body: Mapped[str] = mapped_column(sa.String(MAX_UPWARD))
    answer: Mapped[str | None] = mapped_column(sa.String(MAX_UPWARD))
    answered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"))
    answered_at: Mapped[datetime | None]
    shared: Mapped[bool] = mapped_column(default=False)  # the Q&A is in the store feed

    author: Mapped[Person] = relationship(foreign_keys=[author_id])
    recipient: Mapped[Person | None] = relationship(foreign_keys=[recipient_id])
    answered_by: Mapped[Person | None] = relationship(foreign_keys=[answered_by_id])

    @property
    def audience_label(self) -> str:
        return Audience.label_of(self.audience)
