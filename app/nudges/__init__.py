"""Nudges: the one layer every feature calls to tell a person something.

    from app import nudges
    nudges.send(person.id, "reward_approved", nudges.path_for(endpoint),
                dedupe_key=f"reward_approved:{redemption.id}", reward=reward.name,
                redemption_id=redemption.id)

writes an in-app notification in the caller's transaction and, after commit, queues the push job, which
applies the person's settings (per-type opt-out, quiet hours, daily cap). New kinds of nudge are added
with `register_nudge_type` from the feature's own package; nothing here changes."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.features import Feature, HomeCard, Link, Place
from app.nudges import types as _types  # noqa: F401  (the nudge types that exist today)
from app.nudges.registry import Nudge, NudgeType, register_nudge_type
from app.org.models import Role

bp = Blueprint("nudges", __name__, url_prefix="/notifications")

feature = Feature(
    name="nudges",
    uses=("points", "badges", "journey", "missions", "streaks", "push"),
    blueprints=(bp,),
    modules=("app.nudges.schedule",),
    links=(Link(Place.ME, "nudges.settings", _l("Notification settings"), "info", frozenset(Role),
                _l("Which nudges reach your phone, and quiet hours."), order=50),),
    # The bell in every page's header.
    home_cards=(HomeCard("nudges/_bell.html", frozenset(Role), slot="header"),),
)


def send(person_id: int, nudge_type: str, url: str, *, dedupe_key: str | None = None, **params):
    from app.nudges.services import send as _send

    return _send(person_id, nudge_type, url, dedupe_key=dedupe_key, **params)


def send_many(batch: list):
    """Many `send`s in one go: a list of `nudges.Nudge`."""
    from app.nudges.services import send_many as _send_many

    return _send_many(batch)


def path_for(endpoint: str, **values) -> str:
    from app.nudges.services import path_for as _path_for

    return _path_for(endpoint, **values)


__all__ = ["Nudge", "NudgeType", "bp", "feature", "path_for", "register_nudge_type", "send", "send_many"]
