"""Leaderboard read model: points earned per person per period, and who hides from wide boards.

`BoardScore` is derived from the ledger (the truth): kept up to date inside the award's transaction by
atomic `points = points + :delta` upserts, and rebuilt from the entries by `flask leaderboards rebuild`.
It also carries who counts on a board (`active`, `hidden_wide`, copies of people.active and the privacy
setting, kept by app/leaderboards/membership.py and scores.set_hidden), so a rank is a range count over
one index, never a join per person above; on the company board, a sum over `BoardPoints`."""

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from app.core.models import Base, utcnow


class BoardScore(Base):
    __tablename__ = "board_scores"

    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), primary_key=True)
    period: Mapped[str] = mapped_column(sa.String(5), primary_key=True)  # week, month, all
    period_start: Mapped[date] = mapped_column(primary_key=True)  # store-local Monday, 1st, or ALL_TIME
    store_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stores.id"))
    district_id: Mapped[int | None] = mapped_column(sa.ForeignKey("districts.id"))
    points: Mapped[int] = mapped_column(default=0)
    # When the score last changed: of two equal scores, the one reached first ranks first.
    reached_at: Mapped[datetime] = mapped_column(default=utcnow)
    # people.active of the person: only active people are on a board.
    active: Mapped[bool] = mapped_column(default=True, server_default=sa.true())
    # BoardPrivacy.hidden_wide of the person: left off district and company boards (except for themselves).
    hidden_wide: Mapped[bool] = mapped_column(default=False, server_default=sa.false())


# One index per board shape, in the board's order (points high first, then who reached them first, then id):
# the top rows are the index read forwards, the rows just ahead of a viewer the index read backwards, and
# "how many rank ahead" a range count over the index alone. The flags come before the points, so everyone
# the board leaves out sits outside the range. Store boards don't apply the privacy setting.
sa.Index("ix_board_scores_store_board", BoardScore.store_id, BoardScore.period, BoardScore.period_start,
         BoardScore.active, BoardScore.points.desc(), BoardScore.reached_at, BoardScore.person_id)
sa.Index("ix_board_scores_district_board", BoardScore.district_id, BoardScore.period, BoardScore.period_start,
         BoardScore.active, BoardScore.hidden_wide, BoardScore.points.desc(), BoardScore.reached_at,
         BoardScore.person_id)
sa.Index("ix_board_scores_company_board", BoardScore.period, BoardScore.period_start, BoardScore.active,
         BoardScore.hidden_wide, BoardScore.points.desc(), BoardScore.reached_at, BoardScore.person_id)


class BoardPoints(Base):
    """How many people on the company board have exactly `points` in a period: active, not hidden from wide
    boards, more than 0 points. A rank far down the company board is 1 + the sum of the rows above its
    points, a few hundred rows whatever the chain's size, where counting the people above read one index
    entry each. Kept by database triggers on board_scores (migration 0027_board_flags), so every writer of
    the scores keeps it exact in its own statement; `scores.rebuild_scores` recomputes it."""
    __tablename__ = "board_points"

    period: Mapped[str] = mapped_column(sa.String(5), primary_key=True)
    period_start: Mapped[date] = mapped_column(primary_key=True)
    points: Mapped[int] = mapped_column(primary_key=True, autoincrement=False)
    members: Mapped[int] = mapped_column(default=0)


class BoardPrivacy(Base):
    __tablename__ = "board_privacy"

    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), primary_key=True)
    # Left out of district and company boards for everyone else (they still see their own rank).
    hidden_wide: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)
