"""Jobs that failed after their last retry: parked here, never dropped, for an admin to look at."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, utcnow


class FailureStatus(enum.StrEnum):
    PARKED = "parked"        # waiting for someone to look at it
    RETRIED = "retried"      # an admin queued it again
    DISMISSED = "dismissed"  # an admin decided it needs nothing more


class JobFailure(Base):
    __tablename__ = "job_failures"
    __table_args__ = (
        sa.Index("ix_job_failures_status_failed", "status", "failed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    task_name: Mapped[str] = mapped_column(sa.String(200))
    task_id: Mapped[str] = mapped_column(sa.String(64))
    # What the job was called with (JSON-safe values; anything else as its repr).
    arguments: Mapped[dict] = mapped_column(sa.JSON, default=dict)
    error: Mapped[str] = mapped_column(sa.String(500))
    details: Mapped[str] = mapped_column(sa.Text, default="")  # the traceback
    status: Mapped[str] = mapped_column(sa.String(12), default=FailureStatus.PARKED)
    failed_at: Mapped[datetime] = mapped_column(default=utcnow)
    handled_at: Mapped[datetime | None]
    handled_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
