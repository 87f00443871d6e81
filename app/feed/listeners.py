"""Signal receivers that post to the store feed. They run inside the writer's transaction, so an item
commits (or rolls back) with the badge, mission, stage or challenge result that caused it."""

import logging

from app.core.signals import badge_granted, challenge_closed, mission_completed, stage_reached
from app.feed.models import FeedKind
from app.feed.services import add_item

log = logging.getLogger(__name__)


def on_badge_granted(_sender, *, person, badge, grant, **_extra) -> None:
    add_item(person.store_id, FeedKind.BADGE, f"badge:{grant.id}", subject_id=person.id,
             params={"badge": badge.name, "image": badge.image, "tier": badge.tier})


def on_mission_completed(_sender, *, person, mission, assignment, **_extra) -> None:
    add_item(person.store_id, FeedKind.MISSION, f"mission:{assignment.id}", subject_id=person.id,
             params={"mission": mission.title, "points": mission.points})


def on_stage_reached(_sender, *, person, stage, previous=None, **_extra) -> None:
    add_item(person.store_id, FeedKind.STAGE, f"stage:{person.id}:{stage.id}", subject_id=person.id,
             params={"stage": stage.name, "stage_key": stage.key})


def on_challenge_closed(_sender, *, challenge, winners=(), **_extra) -> None:
    """One item in each store with a winner (a winner is a Person or a Store row, in rank order)."""
    try:
        challenge_id = challenge.id
        title = getattr(challenge, "title", None) or getattr(challenge, "name", None) or ""
        names, store_ids = [], []
        for winner in list(winners or [])[:3]:
            is_person = hasattr(winner, "full_name")
            names.append(winner.display_name if is_person else getattr(winner, "name", ""))
            store_id = getattr(winner, "store_id", None) if is_person else getattr(winner, "id", None)
            if store_id is not None and store_id not in store_ids:
                store_ids.append(store_id)
    except Exception:  # a challenge shaped unlike we expect must not fail the close
        log.exception("feed: could not read the closed challenge")
        return
    for store_id in store_ids:
        add_item(store_id, FeedKind.CHALLENGE, f"challenge:{challenge_id}:{store_id}",
                 params={"challenge": str(title), "winners": [str(name) for name in names]})


def connect() -> None:
    badge_granted.connect(on_badge_granted)
    mission_completed.connect(on_mission_completed)
    stage_reached.connect(on_stage_reached)
    challenge_closed.connect(on_challenge_closed)
