"""Stages and levels of the journey every employee walks: Onboarding → Engagement → Leader → Ambassador."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.features import Feature, HomeCard, Link, Place
from app.org.models import ORG_WIDE_ROLES, Role

bp = Blueprint("journey", __name__, url_prefix="/journey")

STAFF = frozenset({Role.STAFF})
_JOURNEY = "app.journey.shell:home_card_context"

feature = Feature(
    name="journey",
    uses=("points", "badges", "missions", "streaks"),
    blueprints=(bp,),
    links=(Link(Place.SETTINGS, "journey.stage_settings", _l("Journey stages"), "home", frozenset(ORG_WIDE_ROLES),
                _l("What it takes to reach each stage."), order=30),),
    home_cards=(
        HomeCard("journey/_points_pill.html", STAFF, slot="head", context=_JOURNEY),
        HomeCard("journey/_celebration_slot.html", STAFF, order=5, context=_JOURNEY),
        HomeCard("journey/_card.html", STAFF, order=10, context=_JOURNEY),
        HomeCard("journey/_streak_card.html", STAFF, order=20, context=_JOURNEY),
        HomeCard("journey/_latest_badges.html", STAFF, order=60, context=_JOURNEY),
        HomeCard("journey/_stage_ups_card.html", frozenset({Role.STORE_MANAGER}), order=30,
                 context="app.journey.shell:stage_ups_context"),
    ),
    demo="app.journey.demo:load_journey",
    demo_order=20,
)
