"""Nudges that follow from other features' signals. They run inside the writer's transaction, in a
savepoint: a nudge that fails must never undo the badge or the stage it announces."""

import logging
from collections.abc import Callable

from flask_babel import force_locale

from app.core import aftercommit
from app.core.signals import BadgeGranted, StageReached, badge_granted, stage_reached
from app.nudges import services

log = logging.getLogger(__name__)


def _safely(what: str, nudge: Callable[[], object]) -> None:
    try:
        with aftercommit.savepoint():
            nudge()
    except Exception:
        log.exception("the %s nudge failed; the change it announces stands", what)


def _announce(person, nudge_type: str, endpoint: str, dedupe_key: str, name_of, param: str) -> None:
    """Tell `person` in their own language: `name_of()` (the badge's or stage's name) is read in it."""

    def nudge():
        with force_locale(person.locale):
            name = name_of()
        services.send(person.id, nudge_type, services.path_for(endpoint), dedupe_key=dedupe_key, **{param: name})
    _safely(nudge_type, nudge)


def on_badge_granted(_sender, *, event: BadgeGranted) -> None:
    _announce(event.person, "badge_earned", "badges.mine", f"badge_earned:{event.grant.id}",
              lambda: event.badge.display_name, "badge")


def on_stage_reached(_sender, *, event: StageReached) -> None:
    _announce(event.person, "stage_reached", "journey.index", f"stage_reached:{event.person.id}:{event.stage.id}",
              lambda: event.stage.display_name, "stage")


def connect() -> None:
    badge_granted.connect(on_badge_granted)
    stage_reached.connect(on_stage_reached)
