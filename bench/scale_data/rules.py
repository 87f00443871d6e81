"""What the generated history is made of (the chain's missions, award reasons) and the app's own rules
read from the migrated database (stages, badges), so the history follows whatever the migrations seed."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from app.badges.models import BadgeDefinition, Criterion
from app.journey.models import Stage
from app.missions.models import EvidenceType, Recurrence

POS_REASONS = ["Loyalty card sign-up", "Click & collect ready in under 10 minutes", "Top basket of the day",
               "Extended warranty sold", "Gift card sold"]
MANAGER_REASONS = ["Helped a customer find the right size in three stores", "Stayed late to finish the window display",
                   "Great upsell on the new loyalty card", "Trained the new colleague on the till",
                   "Spotless fitting rooms all Saturday", "Solved a difficult return with a smile"]
REVERSAL_REASON = "Awarded to the wrong person"
MENTOR_NOTE = "Guided two new hires through their first weeks."
ENDORSEMENT_NOTE = "Runs the floor on Saturdays and the team follows."
STORY = "A customer came back to thank us for the advice on her daughter's school shoes."


@dataclass(frozen=True)
class MissionSpec:
    id: int
    title: str
    recurrence: str
    evidence: str
    points: int


MISSIONS = (
    MissionSpec(1, "Open the floor: morning checklist", Recurrence.DAILY, EvidenceType.TICK, 5),
    MissionSpec(2, "Fitting rooms tidy at closing", Recurrence.DAILY, EvidenceType.TICK, 5),
    MissionSpec(3, "Window display check", Recurrence.WEEKLY, EvidenceType.TICK, 15),
    MissionSpec(4, "Share one customer story", Recurrence.WEEKLY, EvidenceType.TEXT, 10),
)


@dataclass(frozen=True)
class BadgeRule:
    id: int
    key: str
    name: str
    criterion: str
    threshold: int | None
    event_type: str | None
    points: int
    position: int


@dataclass(frozen=True)
class StageRule:
    id: int
    key: str
    position: int
    min_lifetime_points: int
    badge_keys: frozenset[str]
    mission_ids: frozenset[int]
    requires_endorsement: bool


class Rules:
    def __init__(self, stages: list[StageRule], badges: dict[str, BadgeRule]):
        self.stages = stages
        self.badges = badges
        # Badges a rule grants by itself, in the order the app grants them (position, id).
        self.lifetime_badges = self._automatic(Criterion.LIFETIME_POINTS)
        self.streak_badges = self._automatic(Criterion.STREAK)
        self.mission_badges = self._automatic(Criterion.EVENT_COUNT, "mission_completed")
        # The first stage that asks for a manager's endorsement: the one the generator makes a few reach.
        self.leader = next((stage for stage in stages if stage.requires_endorsement), None)

    def _automatic(self, criterion: str, event_type: str | None = None) -> list[BadgeRule]:
        return sorted((b for b in self.badges.values() if b.criterion == criterion
                       and (event_type is None or b.event_type == event_type)), key=lambda b: (b.position, b.id))


def read_rules(connection: sa.Connection) -> Rules:
    stages = [StageRule(row.id, row.key, row.position, row.min_lifetime_points,
                        frozenset(row.required_badge_keys or ()),
                        frozenset(int(m) for m in row.required_mission_ids or ()), bool(row.requires_endorsement))
              for row in connection.execute(sa.select(Stage.__table__).order_by(Stage.position))]
    badges = {row.key: BadgeRule(row.id, row.key, row.name, row.criterion, row.threshold, row.event_type,
                                 row.points, row.position)
              for row in connection.execute(sa.select(BadgeDefinition.__table__)
                                            .where(BadgeDefinition.active.is_(True)))}
    if not stages:
        raise RuntimeError("the migrations seeded no journey stages")
    return Rules(stages, badges)

