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


def on_badge_granted(_sender, *, event: BadgeGranted) -> None:
    person = event.person

    def nudge():
        with force_locale(person.locale):
            name = event.badge.display_name
        services.send(person.id, "badge_earned", services.path_for("badges.mine"),
                      dedupe_key=f"badge_earned:{event.grant.id}", badge=name)
    _safely("badge", nudge)


def on_stage_reached(_sender, *, event: StageReached) -> None:
    person = event.person

    def nudge():
        with force_locale(person.locale):
            name = event.stage.display_name
        services.send(person.id, "stage_reached", services.path_for("journey.index"),
                      dedupe_key=f"stage_reached:{person.id}:{event.stage.id}", stage=name)
    _safely("stage", nudge)


def connect() -> None:
    badge_granted.connect(on_badge_granted)
    stage_reached.connect(on_stage_reached)
