"""Automatic badge rules, run inside the transaction of the event that earns them."""

from app.badges import services
from app.core.signals import (
    KudosGiven,
    MissionCompleted,
    PointsAwarded,
    StreakExtended,
    kudos_given,
    mission_completed,
    points_awarded,
    streak_extended,
)

KUDOS_RECEIVED = "kudos_received"


def on_points_awarded(_sender, *, event: PointsAwarded) -> None:
    services.check_lifetime_badges(event.person, event.lifetime)


def on_mission_completed(_sender, *, event: MissionCompleted) -> None:
    services.check_mission_badges(event.person, event.mission.id, event.mission.badge_id)
    services.record_event(event.person, "mission_completed", f"mission_completed:assignment:{event.assignment.id}")


def on_kudos_given(_sender, *, event: KudosGiven) -> None:
    # Public or private, every kudos received counts ("Team player", "Crowd favourite"). The key is the one
    # the 0021 migration used to count kudos received before this was wired, so none counts twice.
    services.record_event(event.receiver, KUDOS_RECEIVED, f"kudos:{event.kudos.id}")


def on_streak_extended(_sender, *, event: StreakExtended) -> None:
    services.check_streak_badges(event.person, event.current)


def connect() -> None:
    points_awarded.connect(on_points_awarded)
    mission_completed.connect(on_mission_completed)
    kudos_given.connect(on_kudos_given)
    streak_extended.connect(on_streak_extended)
