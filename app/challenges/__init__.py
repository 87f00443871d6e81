"""Challenges: time-boxed competitions between people or stores, paid once when they close."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.features import Feature, HomeCard, Link, Place
from app.core.navigation import tab
from app.org.models import Role
from app.points.sources import source_type

bp = Blueprint("challenges", __name__, url_prefix="/challenges")


feature = Feature(
    name="challenges",
    uses=("points", "badges", "kpis", "missions"),
    blueprints=(bp,),
    modules=("app.challenges.jobs",),
    tabs=(tab("challenges.index", _l("Challenges"), "trophy", (Role.DISTRICT_MANAGER,), order=30,
              also_active_for=("challenges.detail", "challenges.new", "challenges.edit")),),
    links=(
        Link(Place.WORK, "challenges.index", _l("Challenges"), "trophy", frozenset(Role),
             _l("Running, coming up and finished competitions."), order=50),
        Link(Place.SHORTCUT, "challenges.index", _l("Challenges"), "trophy", frozenset({Role.STORE_MANAGER}),
             order=50),
    ),
    home_cards=(HomeCard("challenges/_running_card.html", frozenset({Role.STAFF}), order=50,
                         context="app.challenges.shell:home_card_context"),),
    stylesheet="challenges",
    init_app=source_type("challenge", _l("Challenge prize"), "trophy", "challenges.detail", "challenge_id"),
    demo="app.challenges.demo:load_challenges",
    demo_order=70,
)
