"""The points ledger: every award and reversal, limits, questions about points, where points came from."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.features import Feature, Link, Place
from app.core.navigation import TabLight
from app.org.models import ORG_WIDE_ROLES, Role

bp = Blueprint("points", __name__)

STORE_MANAGER = frozenset({Role.STORE_MANAGER})

feature = Feature(
    name="points",
    blueprints=(bp,),
    lights=(TabLight("home.index", STORE_MANAGER, ("points.dispute_queue", "points.award")),),
    links=(
        Link(Place.ME, "points.mine", _l("Where my points come from"), "check", frozenset(Role),
             _l("Every entry, with its source. Question one if it looks wrong."), order=10),
        Link(Place.WAITING, "points.dispute_queue", _l("Questions about points"), "info", STORE_MANAGER,
             _l("Entries your team asked about"), order=30, count="app.points.queries:open_dispute_count"),
        Link(Place.SHORTCUT, "points.award", _l("Award points"), "plus", STORE_MANAGER, order=10, primary=True),
        Link(Place.SETTINGS, "points.award_limits", _l("Award rules"), "plus", frozenset(ORG_WIDE_ROLES),
             _l("Mission and prize maxima; the daily cap."), order=40),
    ),
    cli=("app.points.cli:points_cli",),
    demo="app.points.demo:load_points_history",
    demo_order=10,
)
