"""A person's streak, the days they were active, and the days they said they're off."""

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, TimestampMixin, UpdatedAtMixin


class Streak(UpdatedAtMixin, Base):
    """Cached state, moved forward by each new active day. `current` counts active days as of
    `last_active_on`; whether it is still alive today is worked out when it is read."""

    __tablename__ = "streaks"

    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), primary_key=True)
    current: Mapped[int] = mapped_column(default=0)
    best: Mapped[int] = mapped_column(default=0)
    last_active_on: Mapped[date | None]
    # ISO week ("2026-W48") whose one automatic freeze was last used.
    last_freeze_week: Mapped[str | None] = mapped_column(sa.String(10))


class ActiveDay(Base):
    __tablename__ = "streak_active_days"
    __table_args__ = (
        sa.UniqueConstraint("person_id", "day", name="uq_streak_active_days_person_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"))
    day: Mapped[date]
    first_activity: Mapped[str] = mapped_column(sa.String(40))


class DayOff(TimestampMixin, Base):
    """A day the person isn't working: it neither counts nor breaks the streak."""

    __tablename__ = "streak_days_off"
    __table_args__ = (
        sa.UniqueConstraint("person_id", "day", name="uq_streak_days_off_person_day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"))
    day: Mapped[date]
