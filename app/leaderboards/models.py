"""Leaderboard read model: points earned per person per period, and who hides from wide boards.

`BoardScore` is derived from the ledger (the truth): kept up to date inside the award's transaction by
atomic `points = points + :delta` upserts, and rebuilt from the entries by `flask leaderboards rebuild`."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, utcnow


class BoardScore(Base):
    __tablename__ = "board_scores"
    __table_args__ = (
        # One index per board shape: a top-N is an index range read backwards, "my rank" a range count
        # read from the index alone (person_id is in it for the join and the privacy check).
        sa.Index("ix_board_scores_store_board", "store_id", "period", "period_start", "points", "person_id"),
        sa.Index("ix_board_scores_district_board", "district_id", "period", "period_start", "points", "person_id"),
        sa.Index("ix_board_scores_company_board", "period", "period_start", "points", "person_id"),
    )

    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), primary_key=True)
    period: Mapped[str] = mapped_column(sa.String(5), primary_key=True)  # week, month, all
    period_start: Mapped[date] = mapped_column(primary_key=True)  # store-local Monday, 1st, or ALL_TIME
    store_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stores.id"))
    district_id: Mapped[int | None] = mapped_column(sa.ForeignKey("districts.id"))
    points: Mapped[int] = mapped_column(default=0)
    # When the score last changed: of two equal scores, the one reached first ranks first.
    reached_at: Mapped[datetime] = mapped_column(default=utcnow)


class BoardPrivacy(Base):
    __tablename__ = "board_privacy"

    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), primary_key=True)
    # Left out of district and company boards for everyone else (they still see their own rank).
    hidden_wide: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
