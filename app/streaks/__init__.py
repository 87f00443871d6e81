"""Streaks: consecutive days of activity in the store's time zone, with days off that don't break them."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.features import Feature, Link, Place
from app.org.models import Role

bp = Blueprint("streaks", __name__, url_prefix="/streak")

feature = Feature(
    name="streaks",
    uses=("journey",),
    blueprints=(bp,),
    links=(Link(Place.ME, "streaks.index", _l("Streak and days off"), "today", frozenset(Role),
                _l("Mark a day off so it doesn't break your streak."), order=40),),
)
