"""The points ledger. Every point is one append-only entry naming its source; balances are derived.

`PointBalance` is a cache of the ledger kept exact by atomic `x = x + :delta` updates in the same
transaction as the entry; `flask points verify` recomputes it from the entries."""

import enum
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Base, utcnow
from app.org.models import Person


class EntryKind(enum.StrEnum):
    EARN = "earn"          # points earned: raise lifetime and balance
    SPEND = "spend"        # a redemption: lowers the balance only
    REVERSAL = "reversal"  # undoes an earlier entry (a wrong award, a refused redemption)


class PointEntry(Base):
    __tablename__ = "point_entries"
    __table_args__ = (
        sa.Index("ix_point_entries_person_created", "person_id", "created_at"),
        sa.Index("ix_point_entries_store_created", "store_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"))
    # The store the person was in when the entry was made: store boards stay right after a transfer.
    store_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stores.id"))
    amount: Mapped[int]  # signed: earn > 0, spend < 0, reversal the opposite of what it reverses
    kind: Mapped[str] = mapped_column(sa.String(12))
    source_type: Mapped[str] = mapped_column(sa.String(32))
    source_id: Mapped[str | None] = mapped_column(sa.String(64))
    reason: Mapped[str] = mapped_column(sa.String(280))
    awarded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"))
    idempotency_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
    reverses_id: Mapped[int | None] = mapped_column(sa.ForeignKey("point_entries.id"), unique=True)
    # Counts toward the receiver's daily cap: awards a manager decides, by hand or through a mission or a
    # challenge prize they set up (see ledger.counts_toward_cap). Decided when paid, so the cap is one sum.
    capped: Mapped[bool] = mapped_column(default=False)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    awarded_by: Mapped[Person | None] = relationship(foreign_keys=[awarded_by_id])

    @property
    def counts_for_lifetime(self) -> bool:
        return self.kind == EntryKind.EARN


class PointBalance(Base):
    __tablename__ = "point_balances"

    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), primary_key=True)
    lifetime: Mapped[int] = mapped_column(default=0)
    balance: Mapped[int] = mapped_column(default=0)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class DisputeStatus(enum.StrEnum):
    OPEN = "open"
    UPHELD = "upheld"      # the entry stands
    REVERSED = "reversed"  # the entry was reversed


class PointDispute(Base):
    """A person questions an entry of theirs; a manager upholds it or reverses it."""

    __tablename__ = "point_disputes"

    id: Mapped[int] = mapped_column(primary_key=True)
    entry_id: Mapped[int] = mapped_column(sa.ForeignKey("point_entries.id"), index=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    comment: Mapped[str] = mapped_column(sa.String(500))
    status: Mapped[str] = mapped_column(sa.String(12), default=DisputeStatus.OPEN, index=True)
    resolution: Mapped[str | None] = mapped_column(sa.String(500))
    resolved_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]

    entry: Mapped[PointEntry] = relationship()
    person: Mapped[Person] = relationship(foreign_keys=[person_id])


class AwardLimits(Base):
    """The company's maxima for what one mission completion and one challenge prize may pay, set by HR.
    At most one row (id 1); without it the defaults in app.points.limits apply."""

    __tablename__ = "award_limits"

    id: Mapped[int] = mapped_column(primary_key=True)
    mission_max: Mapped[int]
    prize_max: Mapped[int]
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"))
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
