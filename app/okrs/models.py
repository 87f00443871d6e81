"""Objectives and key results (OKRs), their check-ins, and goal templates.

An objective belongs to one level of the org (the company, a district, a store or a person) and may hang
under a parent objective one level up: that is the cascade tree. Progress is never stored: it is computed
on read from the key results (app/okrs/progress.py), so a key result linked to a KPI moves by itself when
a measurement arrives."""

import enum
from datetime import date

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Base, CreatedByMixin, LabelledEnum, TimestampMixin, UpdatedAtMixin
from app.kpis.models import KpiDefinition
from app.org.models import District, Person, Store


class Level(LabelledEnum):
    COMPANY = "company", _l("Company")
    DISTRICT = "district", _l("District")
    STORE = "store", _l("Store")
    PERSON = "person", _l("Personal")


LEVEL_LABELS = Level.labels()
# The level a parent objective sits at, for each level.
PARENT_LEVEL = {Level.DISTRICT: Level.COMPANY, Level.STORE: Level.DISTRICT, Level.PERSON: Level.STORE}


class KeyResultKind(LabelledEnum):
    NUMBER = "number", _l("Number")
    PERCENTAGE = "percentage", _l("Percentage")
    CURRENCY = "currency", _l("Amount in €")
    BOOLEAN = "boolean", _l("Yes / no")
    KPI = "kpi", _l("Linked to a KPI")


KIND_LABELS = KeyResultKind.labels()


class Confidence(LabelledEnum):
    ON_TRACK = "on_track", _l("On track")
    AT_RISK = "at_risk", _l("At risk")
    OFF_TRACK = "off_track", _l("Off track")


CONFIDENCE_LABELS = Confidence.labels()
# Worst first: the order of "needs attention" and of siblings in the tree.
CONFIDENCE_SEVERITY = {Confidence.OFF_TRACK: 0, Confidence.AT_RISK: 1, Confidence.ON_TRACK: 2, None: 3}


class ObjectiveStatus(enum.StrEnum):
    ACTIVE = "active"
    ARCHIVED = "archived"


class GoalTemplate(CreatedByMixin, TimestampMixin, Base):
    """An objective with its key results, written once and applied to many stores or people at once.
    `key_results` holds plain rows: {title, kind, start, target, weight, kpi_code}."""

    __tablename__ = "goal_templates"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(120))
    level: Mapped[str] = mapped_column(sa.String(12), default=Level.STORE)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.String(2000), default="")
    key_results: Mapped[list] = mapped_column(sa.JSON, default=list)


class Objective(CreatedByMixin, TimestampMixin, UpdatedAtMixin, Base):
    __tablename__ = "objectives"
    __table_args__ = (
        sa.Index("ix_objectives_period", "period_start", "period_end"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str] = mapped_column(sa.String(2000), default="")
    level: Mapped[str] = mapped_column(sa.String(12))
    # Exactly one of these is set, by level (none for the company).
    district_id: Mapped[int | None] = mapped_column(sa.ForeignKey("districts.id"), index=True)
    store_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stores.id"), index=True)
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"), index=True)
    parent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("objectives.id", ondelete="SET NULL"),
                                                  index=True)
    owner_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"), index=True)
    period_start: Mapped[date]
    period_end: Mapped[date]
    status: Mapped[str] = mapped_column(sa.String(12), default=ObjectiveStatus.ACTIVE)
    template_id: Mapped[int | None] = mapped_column(sa.ForeignKey("goal_templates.id", ondelete="SET NULL"),
                                                    index=True)

    district: Mapped[District | None] = relationship(foreign_keys=[district_id])
    store: Mapped[Store | None] = relationship(foreign_keys=[store_id])
    person: Mapped[Person | None] = relationship(foreign_keys=[person_id])
    owner: Mapped[Person | None] = relationship(foreign_keys=[owner_id])
    parent: Mapped["Objective | None"] = relationship(remote_side=[id], foreign_keys=[parent_id])
    key_results: Mapped[list["KeyResult"]] = relationship(
        back_populates="objective", order_by="(KeyResult.position, KeyResult.id)", cascade="all, delete-orphan")

    @property
    def level_label(self) -> str:
        return Level.label_of(self.level)

    @property
    def is_active(self) -> bool:
        return self.status == ObjectiveStatus.ACTIVE


class KeyResult(TimestampMixin, Base):
    __tablename__ = "key_results"

    id: Mapped[int] = mapped_column(primary_key=True)
    objective_id: Mapped[int] = mapped_column(sa.ForeignKey("objectives.id", ondelete="CASCADE"), index=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    kind: Mapped[str] = mapped_column(sa.String(12), default=KeyResultKind.NUMBER)
    start_value: Mapped[float] = mapped_column(default=0.0)
    target_value: Mapped[float]
    # Set by check-ins; a KPI-linked key result ignores it and reads its KPI instead.
    current_value: Mapped[float | None]
    weight: Mapped[float] = mapped_column(default=1.0)
    kpi_id: Mapped[int | None] = mapped_column(sa.ForeignKey("kpi_definitions.id"))
    position: Mapped[int] = mapped_column(default=0)

    objective: Mapped[Objective] = relationship(back_populates="key_results")
    kpi: Mapped[KpiDefinition | None] = relationship()
    check_ins: Mapped[list["CheckIn"]] = relationship(
        back_populates="key_result", cascade="all, delete-orphan", passive_deletes=True,
        order_by="(CheckIn.created_at.desc(), CheckIn.id.desc())")

    @property
    def kind_label(self) -> str:
        return KeyResultKind.label_of(self.kind)


class CheckIn(TimestampMixin, Base):
    __tablename__ = "okr_check_ins"

    id: Mapped[int] = mapped_column(primary_key=True)
    key_result_id: Mapped[int] = mapped_column(sa.ForeignKey("key_results.id", ondelete="CASCADE"), index=True)
    person_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id", ondelete="SET NULL"))
    value: Mapped[float | None]  # the new current value, when the check-in moved it
    confidence: Mapped[str] = mapped_column(sa.String(12))
    comment: Mapped[str] = mapped_column(sa.String(500), default="")

    key_result: Mapped[KeyResult] = relationship(back_populates="check_ins")
    person: Mapped[Person | None] = relationship()

    @property
    def confidence_label(self) -> str:
        return Confidence.label_of(self.confidence)
