"""Badge definitions (HR configuration) and grants.

A grant is unique per (person, badge, generation): generation 1 is the first grant, and a new
generation is only possible once the previous grant has expired. Inserting with ON CONFLICT DO
NOTHING on that key makes every grant idempotent, even under concurrent requests."""

from datetime import datetime

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.orm import Mapped, mapped_column, relationship

from app.core.models import Base, LabelledEnum, TimestampMixin
from app.org.models import Person


class Tier(LabelledEnum):
    BRONZE = "bronze", _l("Bronze")
    SILVER = "silver", _l("Silver")
    GOLD = "gold", _l("Gold")


TIER_LABELS = Tier.labels()


class Criterion(LabelledEnum):
    MANUAL = "manual", _l("Given by a person")                  # granted by a person (see `granters`)
    MISSION = "mission", _l("Completing a mission")             # completing mission `mission_id`
    STREAK = "streak", _l("A streak of active days")            # a streak of `threshold` days
    LIFETIME_POINTS = "lifetime_points", _l("Lifetime points")  # `threshold` lifetime points
    # `threshold` events of type `event_type` (kudos received, ideas adopted…)
    EVENT_COUNT = "event_count", _l("A number of events")


CRITERION_LABELS = Criterion.labels()


class Granter(LabelledEnum):
    MANAGERS = "managers", _l("Managers")          # store and district managers, inside their scope
    HR = "hr", _l("HR")                            # HR and admins, anyone
    PEERS = "peers", _l("Colleagues who hold it")  # anyone who holds the badge, to a colleague they can see


GRANTER_LABELS = Granter.labels()


class BadgeDefinition(TimestampMixin, Base):
    __tablename__ = "badge_definitions"
    __table_args__ = (
        sa.CheckConstraint("points >= 0", name="points_not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    key: Mapped[str] = mapped_column(sa.String(40), unique=True)
    name: Mapped[str] = mapped_column(sa.String(80))
    description: Mapped[str] = mapped_column(sa.String(280), default="")
    image: Mapped[str] = mapped_column(sa.String(80))  # a file under static/badges/
    tier: Mapped[str] = mapped_column(sa.String(10), default=Tier.BRONZE)
    criterion: Mapped[str] = mapped_column(sa.String(20), index=True)
    threshold: Mapped[int | None]  # streak days, lifetime points or event count
    mission_id: Mapped[int | None] = mapped_column(index=True)  # no FK: missions are another feature
    event_type: Mapped[str | None] = mapped_column(sa.String(40))
    granters: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    monthly_limit: Mapped[int | None]  # manual grants per granter per calendar month
    expires_after_days: Mapped[int | None]
    points: Mapped[int] = mapped_column(default=0)  # paid through the ledger with each grant
    position: Mapped[int] = mapped_column(default=0)
    active: Mapped[bool] = mapped_column(default=True)

    @property
    def image_path(self) -> str:
        return f"badges/{self.image}"

    @property
    def display_name(self) -> str:
        from app.badges.catalogue import translated

        return translated(self.name)

    @property
    def display_description(self) -> str:
        from app.badges.catalogue import translated

        return translated(self.description)

    def __repr__(self) -> str:
        return f"<BadgeDefinition {self.key}>"


class BadgeGrant(TimestampMixin, Base):
    __tablename__ = "badge_grants"
    __table_args__ = (
        sa.UniqueConstraint("person_id", "badge_id", "generation", name="uq_badge_grants_person_badge_gen"),
        sa.Index("ix_badge_grants_person_created", "person_id", "created_at"),
        sa.Index("ix_badge_grants_granter_created", "granted_by_id", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"))
    badge_id: Mapped[int] = mapped_column(sa.ForeignKey("badge_definitions.id"), index=True)
    generation: Mapped[int] = mapped_column(default=1)
    granted_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("people.id"))
    note: Mapped[str] = mapped_column(sa.String(280), default="")
    expires_at: Mapped[datetime | None]
    seen_at: Mapped[datetime | None]  # celebrated once on the person's next page view

    person: Mapped[Person] = relationship(foreign_keys=[person_id])
    granted_by: Mapped[Person | None] = relationship(foreign_keys=[granted_by_id])
    badge: Mapped[BadgeDefinition] = relationship()


class BadgeEvent(TimestampMixin, Base):
    """Counted events badges can ask for ("kudos_received", "idea_adopted"). Features record them
    through `app.badges.services.record_event`; the source key makes a replay count once."""

    __tablename__ = "badge_events"
    __table_args__ = (
        sa.Index("ix_badge_events_person_type", "person_id", "event_type"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("people.id"))
    event_type: Mapped[str] = mapped_column(sa.String(40))
    source_key: Mapped[str] = mapped_column(sa.String(200), unique=True)
