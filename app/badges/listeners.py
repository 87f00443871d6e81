"""Automatic badge rules, run inside the transaction of the event that earns them."""

from app.badges import services
from app.core.signals import kudos_given, mission_completed, points_awarded
from app.points.ledger import balances

KUDOS_RECEIVED = "kudos_received"


@points_awarded.connect
def _on_points(_sender, *, person, entry=None, **_extra) -> None:
    # The ledger's own entries carry the lifetime total it has just written: no need to read it back.
    lifetime = entry.lifetime_after if entry is not None else None
    services.check_lifetime_badges(person, balances(person.id)[0] if lifetime is None else lifetime)


@mission_completed.connect
def _on_mission(_sender, *, person, mission, assignment=None, **_extra) -> None:
    services.check_mission_badges(person, mission.id, getattr(mission, "badge_id", None))
    key = f"assignment:{assignment.id}" if assignment is not None else f"mission:{mission.id}:{person.id}"
    services.record_event(person, "mission_completed", f"mission_completed:{key}")


@kudos_given.connect
def _on_kudos(_sender, *, kudos, receiver, **_extra) -> None:
    # Public or private, every kudos received counts ("Team player", "Crowd favourite"). The key is the one
    # the 0021 migration used to count kudos received before this was wired, so none counts twice.
    services.record_event(receiver, KUDOS_RECEIVED, f"kudos:{kudos.id}")
