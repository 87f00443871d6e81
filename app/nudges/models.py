"""In-app notifications (every nudge, pushed or not), what was pushed to which device, and each
person's nudge settings."""

import enum
from datetime import datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Base, TimestampMixin, UpdatedAtMixin, utcnow
from app.org.models import Person


class PushStatus(enum.StrEnum):
    QUEUED = "queued"    # the delivery job will decide
    HELD = "held"        # quiet hours: released at `hold_until`
    SENT = "sent"        # delivered to the person's devices
    SKIPPED = "skipped"  # not pushed by choice: type turned off, no device, or stale (see push_note)
    CAPPED = "capped"    # the person's daily push cap was reached
    FAILED = "failed"    # the push service kept failing, or refused it


class Notification(TimestampMixin, Base):
    __tablename__ = "notifications"
    __table_args__ = (
        sa.Index("ix_notifications_person_created", "person_id", "created_at"),
        sa.Index("ix_notifications_person_read", "person_id", "read_at"),
        sa.Index("ix_notifications_person_pushed", "person_id", "pushed_at"),
        sa.Index("ix_notifications_push_status_hold", "push_status", "hold_until"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"))
    nudge_type: Mapped[str] = mapped_column(sa.String(40))
    # Rendered in the person's language when sent: the centre shows exactly what the phone showed.
    title: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.String(500))
    url: Mapped[str] = mapped_column(sa.String(500))  # a path inside the app
    tag: Mapped[str] = mapped_column(sa.String(100))
    params: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    # Periodic and signal-driven nudges name their event: the same event never nudges twice.
    dedupe_key: Mapped[str | None] = mapped_column(sa.String(200), unique=True)
    read_at: Mapped[datetime | None]
    push_status: Mapped[str] = mapped_column(sa.String(12), default=PushStatus.QUEUED)
    push_note: Mapped[str | None] = mapped_column(sa.String(200))
    queued_at: Mapped[datetime] = mapped_column(default=utcnow)
    hold_until: Mapped[datetime | None]
    pushed_at: Mapped[datetime | None]

    person: Mapped[Person] = relationship()

    @property
    def is_unread(self) -> bool:
        return self.read_at is None

    def payload(self, open_url: str) -> dict:
        """What the push carries: only what the notification shows."""
        return {"title": self.title, "body": self.body, "url": open_url, "tag": self.tag}


class NotificationDelivery(Base):
    """One notification pushed to one device: a retried job skips the devices already reached."""

    __tablename__ = "notification_deliveries"

    notification_id: Mapped[int] = mapped_column(
        sa.ForeignKey("notifications.id", ondelete="CASCADE"), primary_key=True)
    subscription_id: Mapped[int] = mapped_column(
        sa.ForeignKey("push_subscriptions.id", ondelete="CASCADE"), primary_key=True, index=True)
    delivered_at: Mapped[datetime] = mapped_column(default=utcnow)


class NudgePreference(UpdatedAtMixin, Base):
    """A person's quiet hours and daily cap. No row: the defaults in the settings (21:00-08:00, 5 a day)."""

    __tablename__ = "nudge_preferences"

    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), primary_key=True)
    quiet_hours: Mapped[bool] = mapped_column(default=True)
    quiet_start: Mapped[time]
    quiet_end: Mapped[time]
    daily_cap: Mapped[int]


class NudgeTypeChoice(Base):
    """A person's own choice for one nudge type; no row means the type's default."""

    __tablename__ = "nudge_type_choices"

    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), primary_key=True)
    nudge_type: Mapped[str] = mapped_column(sa.String(40), primary_key=True)
    pushed: Mapped[bool]
