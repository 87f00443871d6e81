"""Challenges: time-boxed competitions between people or stores, paid once when they close."""

from flask import Blueprint, url_for
from flask_babel import lazy_gettext as _l

from app.core.features import Feature, HomeCard, Link, Place
from app.core.navigation import tab
from app.org.models import Role

bp = Blueprint("challenges", __name__, url_prefix="/challenges")


def _init_app(_app) -> None:
    from app.points.sources import register_source

    register_source("challenge", _l("Challenge prize"), "trophy",
                    link=lambda challenge_id: url_for("challenges.detail", challenge_id=int(challenge_id)))


feature = Feature(
    name="challenges",
    uses=("points", "badges", "kpis", "missions"),
    blueprints=(bp,),
    models=("app.challenges.models",),
    modules=("app.challenges.routes", "app.challenges.jobs"),
    listeners=("app.challenges.listeners",),
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
    init_app=_init_app,
    demo="app.challenges.demo:load_challenges",
    demo_order=70,
)
