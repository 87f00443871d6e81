"""Challenges: time-boxed competitions between people or stores, and the results written when they close.

A challenge's window runs from 00:00 on `starts_on` to 23:59:59 on `ends_on` in its stores' time zone;
`starts_at`/`ends_at` hold those bounds in naive UTC so the periodic job compares them with `utcnow()`.
The status moves draft → scheduled (published) → running → closed, each step a guarded
`UPDATE … WHERE status = :expected`, so two job runs never both make the same move."""

from datetime import date, datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.badges.models import BadgeDefinition
from app.config import FALLBACK_STORE_TIMEZONE
from app.core.models import Base, CreatedByMixin, LabelledEnum, TimestampMixin, UpdatedAtMixin, store_links
from app.kpis.models import KpiDefinition
from app.org.models import District, Person, Store


class Kind(LabelledEnum):
    INDIVIDUAL = "individual", _l("Person against person")
    STORES = "stores", _l("Store against store")


class Metric(LabelledEnum):
    POINTS = "points", _l("Points earned")
    MISSIONS = "missions", _l("Missions completed")
    KPI = "kpi", _l("A KPI")


class Format(LabelledEnum):
    RACE = "race", _l("Race: first to reach the target")           # the first N to reach the target win
    RANKING = "ranking", _l("Ranking: the top places at the end")  # the top N at the end win


class Status(LabelledEnum):
    DRAFT = "draft", _l("Draft")              # not published: only its authors see it
    SCHEDULED = "scheduled", _l("Upcoming")   # published, waiting for its first day
    RUNNING = "running", _l("Running")
    CLOSED = "closed", _l("Finished")         # final: results written, rewards paid
    CANCELLED = "cancelled", _l("Cancelled")  # withdrawn before it started


class Audience(LabelledEnum):
    STORE = "store", _l("One store")
    DISTRICT = "district", _l("The stores of a district")
    ALL = "all", _l("Every store")


KIND_LABELS, METRIC_LABELS, FORMAT_LABELS = Kind.labels(), Metric.labels(), Format.labels()
STATUS_LABELS, AUDIENCE_LABELS = Status.labels(), Audience.labels()

challenge_stores = store_links("challenge_stores", "challenge_id", "challenges")


class Challenge(CreatedByMixin, TimestampMixin, UpdatedAtMixin, Base):
    __tablename__ = "challenges"
    __table_args__ = (
        sa.Index("ix_challenges_status_starts", "status", "starts_at"),
        sa.Index("ix_challenges_status_ends", "status", "ends_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(120))
    description: Mapped[str] = mapped_column(sa.String(1000), default="")
    kind: Mapped[str] = mapped_column(sa.String(12), default=Kind.INDIVIDUAL)
    metric: Mapped[str] = mapped_column(sa.String(12), default=Metric.POINTS)
    kpi_id: Mapped[int | None] = mapped_column(sa.ForeignKey("kpi_definitions.id"))
    format: Mapped[str] = mapped_column(sa.String(12), default=Format.RANKING)
    target: Mapped[float | None]  # a race's finishing line (per head for store challenges)
    winners_count: Mapped[int] = mapped_column(default=3)
    reward_points: Mapped[int] = mapped_column(default=0)
    reward_badge_id: Mapped[int | None] = mapped_column(sa.ForeignKey("badge_definitions.id"))
    audience: Mapped[str] = mapped_column(sa.String(12), default=Audience.STORE)
    district_id: Mapped[int | None] = mapped_column(sa.ForeignKey("districts.id"))
    starts_on: Mapped[date]
    ends_on: Mapped[date]
    timezone: Mapped[str] = mapped_column(sa.String(64), default=FALLBACK_STORE_TIMEZONE)
    starts_at: Mapped[datetime]  # naive UTC: 00:00 of starts_on in `timezone`
    ends_at: Mapped[datetime]    # naive UTC: 23:59:59 of ends_on in `timezone`
    status: Mapped[str] = mapped_column(sa.String(12), default=Status.DRAFT)
    published_at: Mapped[datetime | None]
    ending_nudged_at: Mapped[datetime | None]  # the "ends tomorrow" nudge went out
    closed_at: Mapped[datetime | None]

    stores: Mapped[list[Store]] = relationship(secondary=challenge_stores, order_by=Store.name)
    district: Mapped[District | None] = relationship()
    created_by: Mapped[Person | None] = relationship()
    kpi: Mapped[KpiDefinition | None] = relationship()
    reward_badge: Mapped[BadgeDefinition | None] = relationship()

    @property
    def is_race(self) -> bool:
        return self.format == Format.RACE

    @property
    def for_stores(self) -> bool:
        return self.kind == Kind.STORES

    @property
    def is_final(self) -> bool:
        return self.status in (Status.CLOSED, Status.CANCELLED)

    @property
    def is_editable(self) -> bool:
        return self.status in (Status.DRAFT, Status.SCHEDULED)

    @property
    def status_label(self) -> str:
        return Status.label_of(self.status)

    @property
    def metric_label(self) -> str:
        if self.metric == Metric.KPI and self.kpi is not None:
            return self.kpi.name
        return Metric.label_of(self.metric)

    @property
    def format_label(self) -> str:
        return Format.label_of(self.format)

    @property
    def kind_label(self) -> str:
        return Kind.label_of(self.kind)


class ChallengeResult(Base):
    """One line of a closed challenge's final standings: a person or a store, its rank and score."""

    __tablename__ = "challenge_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    challenge_id: Mapped[int] = mapped_column(sa.ForeignKey("challenges.id", ondelete="CASCADE"), index=True)
    rank: Mapped[int]
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"), index=True)
    store_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stores.id"))
    score: Mapped[float]
    reached_at: Mapped[datetime | None]  # when a race's target was crossed
    winner: Mapped[bool] = mapped_column(default=False)
    paid: Mapped[bool] = mapped_column(default=False)

    person: Mapped[Person | None] = relationship()
    store: Mapped[Store | None] = relationship()
