"""Leaderboards: store, district and company boards by week, month and all time, updated live."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.features import Feature, HomeCard, Link, Place
from app.core.navigation import tab
from app.org.models import Role

bp = Blueprint("leaderboards", __name__, url_prefix="/board")

feature = Feature(
    name="leaderboards",
    uses=("points", "missions", "challenges", "leagues"),
    blueprints=(bp,),
    modules=("app.leaderboards.membership",),  # score rows follow their person (session hooks)
    # The associate's tab; other roles open the board from its URL (their tab bars are full).
    tabs=(tab("leaderboards.board", _l("Board"), "podium", (Role.STAFF,), order=20),),
    links=(Link(Place.SHORTCUT, "leaderboards.board", _l("Store board"), "podium", frozenset({Role.STORE_MANAGER}),
                order=40),),
    # The rank moves with colleagues' points: kept a few seconds, and read again after the person's own award.
    home_cards=(HomeCard("leaderboards/_home_card.html", frozenset({Role.STAFF}), order=40,
                         context="app.leaderboards.routes:home_card_context", kept=True),
                HomeCard("leaderboards/_privacy.html", frozenset(Role), order=10, slot="me")),
    stylesheet="leaderboards",
    scripts=("leaderboards.js",),
    demo="app.leaderboards.demo:load_leaderboards",
    demo_order=200,  # last: the boards are rebuilt once every loader that pays points has run
)
