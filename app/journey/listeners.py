"""The journey reacts, inside the writer's transaction, to whatever could move someone up.

One event sets off several of these (an award's badge pays points of its own; a mission completion pays,
grants and completes): the stage is checked once, when the event has reached every receiver, with every
badge and point it brought (app/core/signals.py `when_settled`)."""

from app.core.signals import (
    BadgeGranted,
    MissionCompleted,
    PointsAwarded,
    badge_granted,
    mission_completed,
    points_awarded,
    when_settled,
)
from app.journey import services
from app.org.models import Person


class _StageCheck:
    """One person's stage check, queued until the event settles."""

    def __init__(self, person: Person, lifetime: int | None) -> None:
        self.person, self.lifetime = person, lifetime

    def saw_lifetime(self, lifetime: int | None) -> None:
        # Awards only add within one event, so the highest total seen is the person's total now; None
        # (not seen) leaves the check to read it.
        if lifetime is not None:
            self.lifetime = max(self.lifetime or 0, lifetime)

    def __call__(self) -> None:
        services.evaluate_stage(self.person, lifetime=self.lifetime)


def check_stage(person: Person, lifetime: int | None = None) -> None:
    """Check `person`'s stage once the event in progress settles (now, outside any)."""
    check = when_settled(("journey.stage", person.id), lambda: _StageCheck(person, lifetime))
    check.saw_lifetime(lifetime)


def on_points_awarded(_sender, *, event: PointsAwarded) -> None:
    check_stage(event.person, event.lifetime)


def on_badge_granted(_sender, *, event: BadgeGranted) -> None:
    check_stage(event.person)


def on_mission_completed(_sender, *, event: MissionCompleted) -> None:
    if services.record_mission_completion(event.person, event.mission.id):
        check_stage(event.person)


def connect() -> None:
    points_awarded.connect(on_points_awarded)
    badge_granted.connect(on_badge_granted)
    mission_completed.connect(on_mission_completed)
