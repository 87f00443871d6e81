"""Store leagues: store-vs-store boards normalised per head or by % of target, in divisions."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.features import Feature, Link, Place
from app.core.navigation import TabLight
from app.org.models import ORG_WIDE_ROLES, Role

bp = Blueprint("leagues", __name__, url_prefix="/leagues")

ORG_ADMINS = frozenset(ORG_WIDE_ROLES)

feature = Feature(
    name="leagues",
    uses=("points", "kpis", "screens"),
    blueprints=(bp,),
    modules=("app.leagues.jobs",),
    lights=(TabLight("home.settings", ORG_ADMINS, ("leagues.new_league", "leagues.edit_league")),),
    links=(
        Link(Place.WORK, "leagues.index", _l("Store league"), "podium", frozenset(Role),
             _l("This month's division: points per head or share of target."), order=60),
        Link(Place.SHORTCUT, "leagues.index", _l("Store league"), "podium", frozenset({Role.DISTRICT_MANAGER}),
             order=40),
        Link(Place.SETTINGS, "leagues.manage", _l("Store leagues"), "podium", ORG_ADMINS,
             _l("Store-vs-store leagues, divisions and headcounts."), order=80),
    ),
    stylesheet="leagues",
    demo="app.leagues.demo:load_leagues",
    demo_order=80,
)
