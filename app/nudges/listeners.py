"""Nudges that follow from other features' signals. They run inside the writer's transaction, in a
savepoint: a nudge that fails must never undo the badge or the stage it announces."""

import logging
from collections.abc import Callable

from flask_babel import force_locale

from app.core import aftercommit
from app.core.signals import badge_granted, stage_reached
from app.extensions import db
from app.nudges import services

log = logging.getLogger(__name__)


def _safely(what: str, nudge: Callable[[], object]) -> None:
    # SQLAlchemy fires "after_commit" when a savepoint is released too, and app.core.aftercommit would
    # then run every queued callback while the outer transaction is still open (announcing changes that
    # may yet roll back, and running the push job against an uncommitted row). Keep the queue aside
    # while the savepoint lives, and put it back, this nudge's callbacks included, for the real commit.
    queued = db.session.info.pop(aftercommit._KEY, [])
    inside = []
    try:
        with db.session.begin_nested():
            nudge()
            inside = db.session.info.pop(aftercommit._KEY, [])
    except Exception:
        inside = []
        log.exception("the %s nudge failed; the change it announces stands", what)
    finally:
        db.session.info.setdefault(aftercommit._KEY, [])[:0] = queued + inside


@badge_granted.connect
def _on_badge(_sender, *, person, badge, grant, **_extra) -> None:
    def nudge():
        with force_locale(person.locale):
            name = badge.display_name
        services.send(person.id, "badge_earned", services.path_for("badges.mine"),
                      dedupe_key=f"badge_earned:{grant.id}", badge=name)
    _safely("badge", nudge)


@stage_reached.connect
def _on_stage(_sender, *, person, stage, **_extra) -> None:
    def nudge():
        with force_locale(person.locale):
            name = stage.display_name
        services.send(person.id, "stage_reached", services.path_for("journey.index"),
                      dedupe_key=f"stage_reached:{person.id}:{stage.id}", stage=name)
    _safely("stage", nudge)
