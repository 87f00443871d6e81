"""Store leagues: stores ranked against each other month by month, normalised so a small store can win.

A league has a basis (points per scheduled head, or % of a KPI target). Each month is a season; a
season puts every store of the league in a division. Standings are computed live from the ledger and
the KPIs while the month runs, and frozen on the memberships when the season closes."""

import enum
from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Base, CreatedByMixin, LabelledEnum, TimestampMixin, UpdatedAtMixin
from app.kpis.models import KpiDefinition
from app.org.models import District, Store


class Basis(LabelledEnum):
    PER_HEAD = "per_head", _l("Points per head")  # points earned in the month ÷ scheduled headcount
    # a KPI month to date ÷ the store's monthly target × 100
    PERCENT_OF_TARGET = "percent_of_target", _l("% of KPI target")


BASIS_LABELS = Basis.labels()


class StoreHeadcount(UpdatedAtMixin, Base):
    """The scheduled headcount of a store for a month, set by its managers. Without one a league counts
    the store's active people."""

    __tablename__ = "store_headcounts"
    __table_args__ = (sa.UniqueConstraint("store_id", "month", name="uq_store_headcounts_store_month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    store_id: Mapped[int] = mapped_column(sa.ForeignKey("stores.id"))
    month: Mapped[date]  # the first day of the month
    headcount: Mapped[int]
    set_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))


class League(CreatedByMixin, TimestampMixin, Base):
    __tablename__ = "leagues"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    basis: Mapped[str] = mapped_column(sa.String(20), default=Basis.PER_HEAD)
    kpi_id: Mapped[int | None] = mapped_column(sa.ForeignKey("kpi_definitions.id"))
    division_size: Mapped[int] = mapped_column(default=6)
    # None: a company league of every store; else a district manager's league of their district's stores.
    district_id: Mapped[int | None] = mapped_column(sa.ForeignKey("districts.id"), index=True)
    active: Mapped[bool] = mapped_column(default=True)

    kpi: Mapped[KpiDefinition | None] = relationship()
    district: Mapped[District | None] = relationship()

    @property
    def basis_label(self) -> str:
        return Basis.label_of(self.basis)


class LeagueSeason(TimestampMixin, Base):
    """One month of a league. The unique (league, month) makes the month-start job idempotent."""

    __tablename__ = "league_seasons"
    __table_args__ = (sa.UniqueConstraint("league_id", "month", name="uq_league_seasons_league_month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    league_id: Mapped[int] = mapped_column(sa.ForeignKey("leagues.id", ondelete="CASCADE"))
    month: Mapped[date]  # the first day of the month
    closed_at: Mapped[datetime | None]  # set when the final standings were frozen

    league: Mapped[League] = relationship()


class Movement(enum.StrEnum):
    NEW = "new"            # first season, or a store that joined the league
    PROMOTED = "promoted"
    RELEGATED = "relegated"
    STAYED = "stayed"


class LeagueMembership(Base):
    """A store's place in a season: its division (1 is the top) and, once closed, its final standing."""

    __tablename__ = "league_memberships"
    __table_args__ = (
        sa.UniqueConstraint("season_id", "store_id", name="uq_league_memberships_season_store"),
        sa.Index("ix_league_memberships_store_season", "store_id", "season_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    season_id: Mapped[int] = mapped_column(sa.ForeignKey("league_seasons.id", ondelete="CASCADE"))
    store_id: Mapped[int] = mapped_column(sa.ForeignKey("stores.id"))
    division: Mapped[int]
    movement: Mapped[str] = mapped_column(sa.String(12), default=Movement.NEW)
    # Frozen when the season closes: rank in the division, normalised score and the raw numbers.
    final_rank: Mapped[int | None]
    final_score: Mapped[float | None]
    final_value: Mapped[float | None]  # points earned, or the KPI value
    final_base: Mapped[float | None]   # headcount, or the KPI target

    store: Mapped[Store] = relationship()
