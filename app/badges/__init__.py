"""Badges: definitions with criteria, grants (automatic and manual), the badge wall."""

from flask import Blueprint, url_for
from flask_babel import lazy_gettext as _l

from app.core.features import Feature, Link, Place
from app.org.models import Role

bp = Blueprint("badges", __name__, url_prefix="/badges")


def _init_app(_app) -> None:
    from app.points.sources import register_source

    register_source("badge", _l("Badge"), "check", link=lambda _grant_id: url_for("badges.mine"))


feature = Feature(
    name="badges",
    uses=("journey",),
    blueprints=(bp,),
    models=("app.badges.models",),
    modules=("app.badges.routes",),
    listeners=("app.badges.listeners",),
    links=(Link(Place.ME, "badges.mine", _l("My badges"), "check", frozenset(Role),
                _l("Earned, in progress and still to unlock."), order=30),),
    init_app=_init_app,
)
