"""Catalogue items and the redemptions that spend points on them.

Stock is a plain counter moved by atomic `stock = stock ± 1` updates (NULL means unlimited); the points
side lives in the ledger (`Redemption.spend_entry_id`, and `refund_entry_id` once refused)."""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Base, CreatedByMixin, LabelledEnum, TimestampMixin, UpdatedAtMixin, store_links
from app.org.models import Person, Store

reward_stores = store_links("reward_stores", "reward_id", "rewards")


class Reward(CreatedByMixin, TimestampMixin, UpdatedAtMixin, Base):
    __tablename__ = "rewards"
    __table_args__ = (
        sa.CheckConstraint("cost > 0", name="cost_positive"),
        sa.CheckConstraint("stock IS NULL OR stock >= 0", name="stock_not_negative"),
        sa.CheckConstraint("per_person_limit IS NULL OR per_person_limit > 0", name="limit_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.String(1000), default="")
    cost: Mapped[int]
    stock: Mapped[int | None]  # None: unlimited
    per_person_limit: Mapped[int | None]  # None: as many as the balance allows
    all_stores: Mapped[bool] = mapped_column(default=True)
    active: Mapped[bool] = mapped_column(default=True, index=True)
    # An uploaded picture (a random file name under <instance>/rewards/) wins over a built-in illustration.
    image_filename: Mapped[str | None] = mapped_column(sa.String(64))
    illustration: Mapped[str | None] = mapped_column(sa.String(32))

    stores: Mapped[list[Store]] = relationship(secondary=reward_stores, order_by=Store.name)

    @property
    def unlimited(self) -> bool:
        return self.stock is None


class RedemptionStatus(LabelledEnum):
    PENDING = "pending", _l("Waiting for approval")            # points taken, waiting for a manager or HR
    APPROVED = "approved", _l("Ready to collect")              # ready to collect
    FULFILLED = "fulfilled", _l("Collected")                   # handed over
    REFUSED = "refused", _l("Refused, points returned")        # points refunded, stock returned
    CANCELLED = "cancelled", _l("Cancelled, points returned")  # withdrawn by the person while pending: refunded too


STATUS_LABELS = RedemptionStatus.labels()
# Redemptions that hold a unit and count towards the per-person limit.
HOLDING_STATUSES = (RedemptionStatus.PENDING, RedemptionStatus.APPROVED, RedemptionStatus.FULFILLED)


class Redemption(TimestampMixin, Base):
    __tablename__ = "redemptions"
    __table_args__ = (
        sa.Index("ix_redemptions_store_status", "store_id", "status"),
        sa.Index("ix_redemptions_person_reward", "person_id", "reward_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    reward_id: Mapped[int] = mapped_column(sa.ForeignKey("rewards.id"))
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"))
    # The person's store when they redeemed: whose manager approves it.
    store_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stores.id"))
    cost: Mapped[int]  # what was paid, whatever the catalogue says later
    status: Mapped[str] = mapped_column(sa.String(12), default=RedemptionStatus.PENDING)
    # Set in the same transaction right after the redemption row gets its id (the spend names it).
    spend_entry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("point_entries.id"), unique=True)
    refund_entry_id: Mapped[int | None] = mapped_column(sa.ForeignKey("point_entries.id"), unique=True)
    decided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"))
    decided_at: Mapped[datetime | None]
    refusal_reason: Mapped[str | None] = mapped_column(sa.String(280))
    fulfilled_at: Mapped[datetime | None]

    reward: Mapped[Reward] = relationship()
    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    decided_by: Mapped[Person | None] = relationship(foreign_keys=[decided_by_id])
    store: Mapped[Store | None] = relationship()

    @property
    def status_label(self) -> str:
        return RedemptionStatus.label_of(self.status)
