"""One-time invite links: how an associate without company e-mail sets a password."""

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Base, CreatedByMixin, TimestampMixin
from app.org.models import Person


class InviteToken(CreatedByMixin, TimestampMixin, Base):
    __tablename__ = "invite_tokens"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    # Only a hash is kept: a leaked database does not hand out working links.
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]
    revoked_at: Mapped[datetime | None]

    person: Mapped[Person] = relationship(foreign_keys=[person_id])


# A reset's states (app/auth/resets.py). "pending" and "approved" are the open ones.
PENDING, APPROVED, REFUSED, DONE, CANCELLED = "pending", "approved", "refused", "done", "cancelled"


class PasswordReset(TimestampMixin, Base):
    """A forgotten password, asked for on the sign-in page and approved by HR or an administrator.

    The secret that lets a browser set the new password lives only in the session cookie of the browser
    that asked; this row keeps its hash. Approving flips `status` and hands the approver nothing that
    signs anyone in (app/auth/resets.py)."""

    __tablename__ = "password_resets"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    # Shown only on the asking browser's screen; the person reads it out to HR, who types it to approve.
    # Not a credential (it opens nothing without the browser's secret), so it is kept as it is.
    check_code: Mapped[str] = mapped_column(sa.String(12))
    status: Mapped[str] = mapped_column(sa.String(12), default="pending", index=True)
    expires_at: Mapped[datetime]
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime | None]
    completed_at: Mapped[datetime | None]

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    decided_by: Mapped[Person | None] = relationship(foreign_keys=[decided_by_id])
