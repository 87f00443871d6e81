"""1:1 check-ins between a manager and one person: a shared agenda both add to, the person's pulse,
shared notes, the manager's private notes, and action items that follow the pair from one 1:1 to the next.

A 1:1 belongs to its two participants. Nobody else reads it: not the manager's own manager, not HR
(they see their own direct reports' 1:1s, and the coaching figures, never another pair's words)."""

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Base, LabelledEnum, TimestampMixin, UpdatedAtMixin
from app.org.models import Person


class OneOnOneStatus(LabelledEnum):
    SCHEDULED = "scheduled", _l("Scheduled")
    DONE = "done", _l("Done")
    CANCELLED = "cancelled", _l("Cancelled")


STATUS_LABELS = OneOnOneStatus.labels()

PULSE_MIN, PULSE_MAX = 1, 5
# The words beside each pulse value: a number alone means different things to different people.
PULSE_WORDS = {
    1: _l("Rough"),
    2: _l("Not great"),
    3: _l("Okay"),
    4: _l("Good"),
    5: _l("Great"),
}


class OneOnOne(TimestampMixin, UpdatedAtMixin, Base):
    __tablename__ = "one_on_ones"
    __table_args__ = (
        sa.CheckConstraint("pulse IS NULL OR (pulse >= 1 AND pulse <= 5)", name="pulse_range"),
        sa.Index("ix_one_on_ones_manager_person_scheduled", "manager_id", "person_id", "scheduled_at"),
        sa.Index("ix_one_on_ones_person_scheduled", "person_id", "scheduled_at"),
        sa.Index("ix_one_on_ones_status_scheduled", "status", "scheduled_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    manager_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"))
    # Naive UTC; entered and shown in the manager's store time zone.
    scheduled_at: Mapped[datetime]
    status: Mapped[str] = mapped_column(sa.String(12), default=OneOnOneStatus.SCHEDULED)
    # "How did you feel at work since last time?" 1-5, answered by the person.
    pulse: Mapped[int | None]
    pulse_at: Mapped[datetime | None]
    notes: Mapped[str] = mapped_column(sa.Text, default="")  # shared: both participants read them
    completed_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]

    manager: Mapped[Person] = relationship(foreign_keys=[manager_id])
    person: Mapped[Person] = relationship(foreign_keys=[person_id])

    @property
    def status_label(self) -> str:
        return OneOnOneStatus.label_of(self.status)

    @property
    def is_scheduled(self) -> bool:
        return self.status == OneOnOneStatus.SCHEDULED

    def is_participant(self, person_id: int) -> bool:
        return person_id in (self.manager_id, self.person_id)

    def other_than(self, person_id: int) -> Person:
        return self.person if person_id == self.manager_id else self.manager


class AgendaItem(TimestampMixin, Base):
    """A point either participant wants to talk about."""

    __tablename__ = "one_on_one_agenda_items"

    id: Mapped[int] = mapped_column(primary_key=True)
    one_on_one_id: Mapped[int] = mapped_column(sa.ForeignKey("one_on_ones.id", ondelete="CASCADE"), index=True)
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"))
    text: Mapped[str] = mapped_column(sa.String(280))
    done: Mapped[bool] = mapped_column(default=False)

    author: Mapped[Person] = relationship()


class PrivateNote(UpdatedAtMixin, Base):
    """The manager's own notes about a 1:1: only their author ever reads them. One per 1:1 and author."""

    __tablename__ = "one_on_one_private_notes"
    __table_args__ = (sa.UniqueConstraint("one_on_one_id", "author_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    one_on_one_id: Mapped[int] = mapped_column(sa.ForeignKey("one_on_ones.id", ondelete="CASCADE"))
    author_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    text: Mapped[str] = mapped_column(sa.Text, default="")


class ActionItem(TimestampMixin, Base):
    """Something one of the pair will do. It belongs to the pair, not to one meeting: while open it shows
    in every later 1:1 of the same manager and person ("carried to the next 1:1")."""

    __tablename__ = "one_on_one_action_items"
    __table_args__ = (
        sa.Index("ix_one_on_one_action_items_pair_done", "manager_id", "person_id", "done_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    manager_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"))
    one_on_one_id: Mapped[int] = mapped_column(sa.ForeignKey("one_on_ones.id", ondelete="CASCADE"), index=True)
    owner_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"))
    text: Mapped[str] = mapped_column(sa.String(280))
    due_on: Mapped[date | None]
    done_at: Mapped[datetime | None]
    created_by_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"))

    owner: Mapped[Person] = relationship(foreign_keys=[owner_id])

    @property
    def is_done(self) -> bool:
        return self.done_at is not None
