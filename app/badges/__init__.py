"""Badges: definitions with criteria, grants (automatic and manual), the badge wall."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.features import Feature, Link, Place
from app.org.models import Role
from app.points.sources import source_type

bp = Blueprint("badges", __name__, url_prefix="/badges")


feature = Feature(
    name="badges",
    uses=("journey",),
    blueprints=(bp,),
    links=(Link(Place.ME, "badges.mine", _l("My badges"), "check", frozenset(Role),
                _l("Earned, in progress and still to unlock."), order=30),),
    init_app=source_type("badge", _l("Badge"), "check", "badges.mine"),
)
