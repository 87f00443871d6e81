"""Read models for the journey: the path, what the next stage still needs, levels, celebrations and
the stage-ups a manager should hear about."""

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _
from flask_babel import ngettext
from sqlalchemy.orm import joinedload

from app.extensions import db
from app.journey.models import Endorsement, PersonStage, Stage, StageChange
from app.journey.services import Facts, stages
from app.org.authz import managed_people
from app.org.models import Person
from app.points.ledger import balances


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
    current = next((s for s in all_stages if stored and s.id == stored[0]), all_stages[0])
    upcoming = next((s for s in all_stages if s.position > current.position), None)
    lifetime, balance = balances(person.id)
    level, floor, ceiling = level_in(current, lifetime)
    journey = Journey(all_stages, current, upcoming, lifetime, balance, level, floor, ceiling,
                      reached_at=stored[1] if stored else None)
    if upcoming is not None:
        journey.needs = _needs(upcoming, Facts(person, _lifetime=lifetime), for_endorser=for_endorser)
    return journey


def _needs(stage: Stage, facts: Facts, *, for_endorser: bool = False) -> list[Need]:
    from app.badges.queries import badge_names

    needs = []
    missing_points = stage.min_lifetime_points - facts.lifetime
    if stage.min_lifetime_points:
        needs.append(Need("points", ngettext("%(num)d more point", "%(num)d more points", missing_points)
                          if missing_points > 0 else
                          _("%(n)d points", n=stage.min_lifetime_points), missing_points <= 0))
    if stage.required_badge_keys:
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
