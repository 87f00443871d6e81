"""Read models for the journey: the path, what the next stage still needs, levels, celebrations and
the stage-ups a manager should hear about."""

from dataclasses import dataclass, field
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import aliased, joinedload

from app.core.database import plain_rows, prepared
from app.core.i18n import gettext as _
from app.core.i18n import ngettext
from app.core.timezones import local_today
from app.extensions import db
from app.journey.models import Endorsement, PersonStage, Stage, StageChange
from app.journey.services import Facts, stages
from app.org.authz import managed_people
from app.org.models import Person
from app.points.ledger import balances

LATEST_BADGES = 4  # on the home's strip


@dataclass(frozen=True)
class Need:
    kind: str  # points | badge | missions | endorsement
    text: str
    done: bool


@dataclass
class Journey:
    stages: list[Stage]
    current: Stage
    next: Stage | None
    lifetime: int
    balance: int
    level: int
    level_floor: int  # lifetime points where the current level began
    level_ceiling: int  # lifetime points where the next level begins
    needs: list[Need] = field(default_factory=list)
    reached_at: object = None

    @property
    def percent(self) -> int:
        """Points progress from the current stage's threshold to the next one's."""
        if self.next is None:
            return 100
        start, goal = self.current.min_lifetime_points, self.next.min_lifetime_points
        if goal <= start:
            return 100 if self.lifetime >= goal else 0
        return max(0, min(100, (100 * (self.lifetime - start)) // (goal - start)))

    @property
    def level_percent(self) -> int:
        span = self.level_ceiling - self.level_floor
        return max(0, min(100, (100 * (self.lifetime - self.level_floor)) // span)) if span > 0 else 100

    @property
    def points_to_next_level(self) -> int:
        return max(0, self.level_ceiling - self.lifetime)

    @property
    def missing(self) -> list[Need]:
        return [need for need in self.needs if not need.done]

    def state_of(self, stage: Stage) -> str:
        if stage.position < self.current.position:
            return "done"
        return "current" if stage.id == self.current.id else "ahead"


def level_in(stage: Stage, lifetime: int) -> tuple[int, int, int]:
    """(level, floor, ceiling): one level every `level_points` above the stage's threshold."""
    above = max(0, lifetime - stage.min_lifetime_points)
    level = above // stage.level_points + 1
    floor = stage.min_lifetime_points + (level - 1) * stage.level_points
    return level, floor, floor + stage.level_points


def journey_for(person: Person, *, for_endorser: bool = False) -> Journey:
    """A fixed number of queries: stages, the stored stage, the totals, then only the facts the next
    stage asks about (badges, missions, endorsement). `for_endorser`: read by the manager who endorses
    (the endorse page), so the endorsement need is "your endorsement", not the associate's wording."""
    all_stages = stages()
    stored = db.session.execute(sa.select(PersonStage.stage_id, PersonStage.reached_at)
                                .where(PersonStage.person_id == person.id)).first()
    lifetime, balance = balances(person.id)
    journey = _journey(all_stages, stored, lifetime, balance)
    if journey.next is not None:
        journey.needs = _needs(journey.next, Facts(person, _lifetime=lifetime), for_endorser=for_endorser)
    return journey


def _journey(all_stages: list[Stage], stored, lifetime: int, balance: int) -> Journey:
    """The path without its needs: `stored` is the person's (stage id, reached at), None before any."""
    current = next((s for s in all_stages if stored and s.id == stored[0]), all_stages[0])
    upcoming = next((s for s in all_stages if s.position > current.position), None)
    level, floor, ceiling = level_in(current, lifetime)
    return Journey(all_stages, current, upcoming, lifetime, balance, level, floor, ceiling,
                   reached_at=stored[1] if stored else None)


def _needs(stage: Stage, facts: Facts, *, for_endorser: bool = False,
           names: dict | None = None) -> list[Need]:
    """`names`: the required badges by key when the caller has read them already."""
    from app.badges.queries import badge_names

    needs = []
    missing_points = stage.min_lifetime_points - facts.lifetime
    if stage.min_lifetime_points:
        needs.append(Need("points", ngettext("%(num)d more point", "%(num)d more points", missing_points)
                          if missing_points > 0 else
                          _("%(n)d points", n=stage.min_lifetime_points), missing_points <= 0))
    if stage.required_badge_keys:
        if names is None:
            names = badge_names(list(stage.required_badge_keys))
        for key in stage.required_badge_keys:
            badge = names.get(key)
            label = badge.display_name if badge is not None else key
            needs.append(Need("badge", _("the %(name)s badge", name=label), key in facts.badge_keys))
    if stage.required_mission_ids:
        required = {int(m) for m in stage.required_mission_ids}
        left = len(required - facts.mission_ids)
        needs.append(Need("missions", ngettext("%(num)d required mission", "%(num)d required missions", left)
                          if left else _("the required missions"), left == 0))
    if stage.requires_endorsement:
        needs.append(Need("endorsement", _("your endorsement") if for_endorser else _("your manager's endorsement"),
                          stage.id in facts.endorsed_stage_ids))
    return needs


# The associate's home -------------------------------------------------------------------------------------

def _home_facts() -> sa.Select:
    """One row of what the home's journey, points, streak and celebration cards read about a person, each
    an indexed probe: the stored stage, the totals, the streak, whether today is a day off, whether the
    manager endorsed the next stage, and whether a stage-up or a badge waits to be celebrated."""
    from app.badges.models import BadgeGrant
    from app.points.models import PointBalance
    from app.streaks.models import DayOff, Streak

    today = sa.bindparam("today")
    stored, following = aliased(Stage), aliased(Stage)
    # The next stage is the first one past the stored stage (past the first stage before any is stored).
    position = sa.func.coalesce(
        sa.select(stored.position).where(stored.id == PersonStage.stage_id).correlate(PersonStage).scalar_subquery(),
        sa.select(sa.func.min(Stage.position)).scalar_subquery())
    upcoming = (sa.select(following.id).where(following.position > position)
                .order_by(following.position).limit(1).scalar_subquery())
    return (sa.select(
        PersonStage.stage_id, PersonStage.reached_at,
        sa.func.coalesce(PointBalance.lifetime, 0).label("lifetime"),
        sa.func.coalesce(PointBalance.balance, 0).label("balance"),
        Streak.current, Streak.best, Streak.last_active_on, Streak.last_freeze_week,
        # The days off streaks.queries.status_of may bridge: after the last active day (after yesterday
        # without one), up to today; as one string, so they cost no statement of their own.
        sa.select(sa.func.aggregate_strings(sa.cast(DayOff.day, sa.String), ","))
        .where(DayOff.person_id == Person.id, DayOff.day <= today, DayOff.day > sa.case(
            (Streak.last_active_on.is_(None), sa.bindparam("yesterday")),
            (Streak.last_active_on < today, Streak.last_active_on), else_=today))
        .scalar_subquery().label("days_off"),
        sa.exists().where(Endorsement.person_id == Person.id, Endorsement.stage_id == upcoming)
        .label("endorsed_next"),
        sa.or_(sa.exists().where(StageChange.person_id == Person.id, StageChange.seen_at.is_(None)),
               sa.exists().where(BadgeGrant.person_id == Person.id, BadgeGrant.seen_at.is_(None)))
        .label("has_celebration"))
        .select_from(Person)
        .outerjoin(PersonStage, PersonStage.person_id == Person.id)
        .outerjoin(PointBalance, PointBalance.person_id == Person.id)
        .outerjoin(Streak, Streak.person_id == Person.id)
        .where(Person.id == sa.bindparam("person_id")))


def home_cards(person: Person) -> dict:
    """The associate's journey card and points, celebration, streak and latest badges: three statements
    (the stages, the person's facts, their badges with the next stage's), whatever they hold. The days off
    are read only when the streak has days to bridge, and completed missions only when the next stage
    requires some."""
    from app.badges.queries import held_badges
    from app.streaks.queries import status_of

    today = local_today(person)
    all_stages = stages()
    row = plain_rows(prepared("journey.home_facts", _home_facts),
                     {"person_id": person.id, "today": today, "yesterday": today - timedelta(days=1)}).one()
    journey = _journey(all_stages, row[:2] if row.stage_id is not None else None, row.lifetime, row.balance)
    upcoming = journey.next
    held = held_badges(person.id, upcoming.required_badge_keys if upcoming is not None else ())
    if upcoming is not None:
        facts = Facts(person, _lifetime=row.lifetime, _badge_keys=held.keys,
                      _endorsed_stage_ids={upcoming.id} if row.endorsed_next else set())
        journey.needs = _needs(upcoming, facts, names=held.named)
    days_off = {date.fromisoformat(day) for day in row.days_off.split(",")} if row.days_off else set()
    streak = status_of(row, today, today in days_off, lambda: days_off)
    return {"journey": journey, "has_celebration": bool(row.has_celebration), "streak": streak,
            "latest_badges": held.grants[:LATEST_BADGES], "badge_count": len(held.grants)}


def unseen_stage_changes(person_id: int) -> list[StageChange]:
    return list(db.session.scalars(
        sa.select(StageChange).options(joinedload(StageChange.to_stage))
        .where(StageChange.person_id == person_id, StageChange.seen_at.is_(None)).order_by(StageChange.id)))


def recent_stage_ups(manager: Person, limit: int = 8) -> list[StageChange]:
    """Stage-ups of the people `manager` manages, newest first: for the manager's home."""
    return list(db.session.scalars(
        sa.select(StageChange).options(joinedload(StageChange.person), joinedload(StageChange.to_stage))
        .where(StageChange.person_id.in_(managed_people(manager).with_only_columns(Person.id)))
        .order_by(StageChange.created_at.desc(), StageChange.id.desc()).limit(limit)))


def endorsements_for(person_id: int) -> list[Endorsement]:
    return list(db.session.scalars(
        sa.select(Endorsement).options(joinedload(Endorsement.endorsed_by), joinedload(Endorsement.stage))
        .where(Endorsement.person_id == person_id).order_by(Endorsement.created_at)))


def has_unseen_celebration(person_id: int) -> bool:
    """One query: is there a stage-up or a badge the person hasn't celebrated yet?"""
    from app.badges.models import BadgeGrant

    stage_ups = sa.select(StageChange.id).where(StageChange.person_id == person_id,
                                                StageChange.seen_at.is_(None))
    badges = sa.select(BadgeGrant.id).where(BadgeGrant.person_id == person_id, BadgeGrant.seen_at.is_(None))
    return bool(db.session.scalar(sa.select(sa.or_(sa.exists(stage_ups), sa.exists(badges)))))


# What a stage can require (HR's stage settings) ----------------------------------------------------

def badge_requirement_choices(all_stages: list[Stage]) -> list[tuple[str, str]]:
    """(key, name in the reader's language) of every active badge, and of any withdrawn one a stage still
    requires (so saving the stage doesn't drop it behind HR's back)."""
    from app.badges.models import BadgeDefinition

    kept = {key for stage in all_stages for key in stage.required_badge_keys}
    badges = db.session.scalars(sa.select(BadgeDefinition).where(
        sa.or_(BadgeDefinition.active.is_(True), BadgeDefinition.key.in_(kept)))
        .order_by(BadgeDefinition.position, BadgeDefinition.id))
    return [(badge.key, badge.display_name if badge.active else _("%(name)s (withdrawn)", name=badge.display_name))
            for badge in badges]


def mission_requirement_choices(all_stages: list[Stage]) -> list[tuple[int, str]]:
    """(id, title) of every active mission, and of any withdrawn one a stage still requires; a store's own
    mission names its store (two stores may both have "Window display")."""
    from app.missions.models import Mission

    kept = {int(m) for stage in all_stages for m in stage.required_mission_ids}
    missions = db.session.scalars(sa.select(Mission).options(joinedload(Mission.store)).where(
        sa.or_(Mission.active.is_(True), Mission.id.in_(kept))).order_by(Mission.title, Mission.id))
    choices = []
    for mission in missions:
        label = f"{mission.title} · {mission.store.name}" if mission.store is not None else mission.title
        choices.append((mission.id, label if mission.active else _("%(name)s (withdrawn)", name=label)))
    return choices
