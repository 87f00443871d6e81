"""The journey: four stages (HR-editable criteria), the stage each person has reached, the history
of stage-ups (each celebrated once), and managers' endorsements."""

import enum
from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Base, TimestampMixin, UpdatedAtMixin, utcnow
from app.org.models import Person


class StageKey(enum.StrEnum):
    ONBOARDING = "onboarding"
    ENGAGEMENT = "engagement"
    LEADER = "leader"
    AMBASSADOR = "ambassador"


# Names of the built-in stages in every language; an HR-edited name is shown as written.
DEFAULT_STAGE_NAMES = {
    StageKey.ONBOARDING: ("Onboarding", _l("Onboarding")),
    StageKey.ENGAGEMENT: ("Engagement", _l("Engagement")),
    StageKey.LEADER: ("Leader", _l("Leader")),
    StageKey.AMBASSADOR: ("Ambassador", _l("Ambassador")),
}

DEFAULT_STAGE_DESCRIPTIONS = {
    "Your first weeks: culture, the store's goals, first trainings.":
        _l("Your first weeks: culture, the store's goals, first trainings."),
    "Onboarding done: earn points through missions, KPIs, feedback and training.":
        _l("Onboarding done: earn points through missions, KPIs, feedback and training."),
    "Sustained performance, leadership badges and your manager's endorsement.":
        _l("Sustained performance, leadership badges and your manager's endorsement."),
    "Represent the company, mentor others and co-design changes.":
        _l("Represent the company, mentor others and co-design changes."),
}


class Stage(UpdatedAtMixin, Base):
    """One stage of the journey. Its criteria are configuration HR edits, not code: a person reaches
    it when every criterion set here is met."""

    __tablename__ = "journey_stages"
    __table_args__ = (
        sa.CheckConstraint("min_lifetime_points >= 0", name="min_points_not_negative"),
        sa.CheckConstraint("level_points > 0", name="level_points_positive"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(20), unique=True)
    name: Mapped[str] = mapped_column(sa.String(60))
    description: Mapped[str] = mapped_column(sa.String(280), default="")
    position: Mapped[int] = mapped_column(unique=True)
    min_lifetime_points: Mapped[int] = mapped_column(default=0)
    required_badge_keys: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    required_mission_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    requires_endorsement: Mapped[bool] = mapped_column(default=False)
    # Levels inside the stage: one more level every `level_points` lifetime points.
    level_points: Mapped[int] = mapped_column(default=250)

    @property
    def display_name(self) -> str:
        default = DEFAULT_STAGE_NAMES.get(self.key)
        if default is not None and default[0] == self.name:
            return str(default[1])
        return self.name

    @property
    def display_description(self) -> str:
        default = DEFAULT_STAGE_DESCRIPTIONS.get(self.description)
        return str(default) if default is not None else self.description

    def __repr__(self) -> str:
        return f"<Stage {self.key}>"


class PersonStage(Base):
    """The stage a person has reached. No row means the first stage. Only ever moves up."""

    __tablename__ = "journey_person_stages"

    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), primary_key=True)
    stage_id: Mapped[int] = mapped_column(sa.ForeignKey("journey_stages.id"), index=True)
    reached_at: Mapped[datetime] = mapped_column(default=utcnow)

    stage: Mapped[Stage] = relationship()


class StageChange(TimestampMixin, Base):
    """A stage-up. `seen_at` stays empty until the person's next page view has celebrated it; the
    manager's home lists recent rows as "recent stage-ups"."""

    __tablename__ = "journey_stage_changes"
    __table_args__ = (
        sa.Index("ix_journey_stage_changes_person_seen", "person_id", "seen_at"),
        sa.Index("ix_journey_stage_changes_store_created", "store_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"))
    # The person's store at the time, so a manager's list is one indexed scan.
    store_id: Mapped[int | None] = mapped_column(sa.ForeignKey("stores.id"))
    from_stage_id: Mapped[int | None] = mapped_column(sa.ForeignKey("journey_stages.id"))
    to_stage_id: Mapped[int] = mapped_column(sa.ForeignKey("journey_stages.id"))
    # The manager told about it (the person's manager when it happened), if any.
    manager_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"), index=True)
    seen_at: Mapped[datetime | None]

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    from_stage: Mapped[Stage | None] = relationship(foreign_keys=[from_stage_id])
    to_stage: Mapped[Stage] = relationship(foreign_keys=[to_stage_id])


class Endorsement(TimestampMixin, Base):
    """A manager vouches that a person is ready for a stage that asks for it."""

    __tablename__ = "journey_endorsements"
    __table_args__ = (
        sa.UniqueConstraint("person_id", "stage_id", name="uq_journey_endorsements_person_stage"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"))
    stage_id: Mapped[int] = mapped_column(sa.ForeignKey("journey_stages.id"), index=True)
    endorsed_by_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"), index=True)
    note: Mapped[str] = mapped_column(sa.String(500))

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    endorsed_by: Mapped[Person] = relationship(foreign_keys=[endorsed_by_id])
    stage: Mapped[Stage] = relationship()


class MissionCompletion(Base):
    """Missions a person has completed, as told by `mission_completed`: stage criteria read this
    rather than the missions feature's own tables."""

    __tablename__ = "journey_mission_completions"
    __table_args__ = (
        sa.UniqueConstraint("person_id", "mission_id", name="uq_journey_mission_completions_person_mission"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"))
    mission_id: Mapped[int]
    completed_at: Mapped[datetime] = mapped_column(default=utcnow)
