"""The journey reacts, inside the writer's transaction, to whatever could move someone up."""

from app.core.signals import badge_granted, mission_completed, points_awarded
from app.journey import services


@points_awarded.connect
def _on_points(_sender, *, person, entry=None, **_extra) -> None:
    services.evaluate_stage(person, lifetime=entry.lifetime_after if entry is not None else None)


@badge_granted.connect
def _on_badge(_sender, *, person, **_extra) -> None:
    services.evaluate_stage(person)


@mission_completed.connect
def _on_mission(_sender, *, person, mission, **_extra) -> None:
    if services.record_mission_completion(person, mission.id):
        services.evaluate_stage(person)
