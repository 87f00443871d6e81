"""KPI definitions, targets and daily measurements.

A base KPI (sales, transactions, footfall…) is measured; a ratio KPI (conversion = transactions ÷ footfall)
is never stored: it is computed from the sums of its parts, so aggregating it over days and stores is exact
(averaging daily ratios would weigh a quiet Monday like a busy Saturday)."""

import enum
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Base, LabelledEnum, TimestampMixin, UpdatedAtMixin


class Unit(LabelledEnum):
    PERCENT = "percent", _l("Percent")
    CURRENCY = "currency", _l("Amount in €")
    COUNT = "count", _l("Count")
    SECONDS = "seconds", _l("Seconds")
    SCORE = "score", _l("Score")               # e.g. customer satisfaction 1–5 or NPS
    DECIMAL = "decimal", _l("Decimal number")  # e.g. units per transaction


class Direction(enum.StrEnum):
    HIGHER = "higher"  # higher is better
    LOWER = "lower"


class Aggregation(enum.StrEnum):
    SUM = "sum"          # over days and stores
    AVERAGE = "average"  # mean of the daily values
    RATIO = "ratio"      # sum(numerator) ÷ sum(denominator) × scale


class KpiDefinition(TimestampMixin, Base):
    __tablename__ = "kpi_definitions"

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    description: Mapped[str] = mapped_column(sa.String(300), default="")
    unit: Mapped[str] = mapped_column(sa.String(12), default=Unit.COUNT)
    direction: Mapped[str] = mapped_column(sa.String(8), default=Direction.HIGHER)
    aggregation: Mapped[str] = mapped_column(sa.String(8), default=Aggregation.SUM)
    numerator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("kpi_definitions.id"))
    denominator_id: Mapped[int | None] = mapped_column(sa.ForeignKey("kpi_definitions.id"))
    scale: Mapped[float] = mapped_column(default=1.0)  # 100 for a ratio shown as a percentage
    decimals: Mapped[int] = mapped_column(default=0)
    position: Mapped[int] = mapped_column(default=100)  # order on dashboards
    # The values a measurement (one day) or a target may take, either end optional: satisfaction 1–5,
    # a percentage 0–100. For a sum KPI the highest applies to a day, so a month's target is not held to it.
    min_value: Mapped[float | None]
    max_value: Mapped[float | None]
    built_in: Mapped[bool] = mapped_column(default=False)
    active: Mapped[bool] = mapped_column(default=True)

    numerator: Mapped["KpiDefinition | None"] = relationship(remote_side=[id], foreign_keys=[numerator_id])
    denominator: Mapped["KpiDefinition | None"] = relationship(remote_side=[id], foreign_keys=[denominator_id])

    @property
    def is_ratio(self) -> bool:
        return self.aggregation == Aggregation.RATIO

    @property
    def higher_is_better(self) -> bool:
        return self.direction == Direction.HIGHER


class PeriodKind(enum.StrEnum):
    MONTH = "month"
    QUARTER = "quarter"


class KpiTarget(UpdatedAtMixin, Base):
    """What a store should reach on a KPI over a month or a quarter (the period's aggregate)."""

    __tablename__ = "kpi_targets"
    __table_args__ = (sa.UniqueConstraint("kpi_id", "store_id", "period_kind", "period_start",
                                          name="uq_kpi_targets_kpi_store_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(sa.ForeignKey("kpi_definitions.id"))
    store_id: Mapped[int] = mapped_column(sa.ForeignKey("stores.id"), index=True)
    period_kind: Mapped[str] = mapped_column(sa.String(8), default=PeriodKind.MONTH)
    period_start: Mapped[date]
    value: Mapped[float]
    set_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"))

    kpi: Mapped[KpiDefinition] = relationship()


class KpiMeasurement(UpdatedAtMixin, Base):
    """One day's value of a base KPI for a store (person_id NULL) or for one person in it.

    Two partial unique indexes make "the same day again" an upsert target on SQLite and PostgreSQL alike
    (NULLs are distinct in a plain unique constraint)."""

    __tablename__ = "kpi_measurements"
    __table_args__ = (
        sa.Index("uq_kpi_measurements_store_day", "kpi_id", "store_id", "day", unique=True,
                 sqlite_where=sa.text("person_id IS NULL"), postgresql_where=sa.text("person_id IS NULL")),
        sa.Index("uq_kpi_measurements_person_day", "kpi_id", "store_id", "person_id", "day", unique=True,
                 sqlite_where=sa.text("person_id IS NOT NULL"),
                 postgresql_where=sa.text("person_id IS NOT NULL")),
        sa.Index("ix_kpi_measurements_store_day", "store_id", "day"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(sa.ForeignKey("kpi_definitions.id"))
    store_id: Mapped[int] = mapped_column(sa.ForeignKey("stores.id"))
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"))
    day: Mapped[date]
    value: Mapped[float]
    source: Mapped[str] = mapped_column(sa.String(12), default="form")  # form, csv, api, demo
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"))

    kpi: Mapped[KpiDefinition] = relationship()


class KpiTargetHit(TimestampMixin, Base):
    """A store reached its target on a KPI for a day or a month: the record the rewards job writes once
    (the points themselves are made exactly-once by the ledger's idempotency keys)."""

    __tablename__ = "kpi_target_hits"
    __table_args__ = (sa.UniqueConstraint("kpi_id", "store_id", "period_kind", "period_start",
                                          name="uq_kpi_target_hits_kpi_store_period"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    kpi_id: Mapped[int] = mapped_column(sa.ForeignKey("kpi_definitions.id"))
    store_id: Mapped[int] = mapped_column(sa.ForeignKey("stores.id"), index=True)
    period_kind: Mapped[str] = mapped_column(sa.String(8))  # day or month
    period_start: Mapped[date]
    value: Mapped[float]
    target: Mapped[float]
    people_paid: Mapped[int] = mapped_column(default=0)
