"""Web push (VAPID): keys, per-device subscriptions, and the HTTP send that only jobs call."""

from flask import Blueprint

from app.core.features import Feature, HomeCard
from app.org.models import Role

bp = Blueprint("push", __name__, url_prefix="/push")

feature = Feature(
    name="push",
    uses=("nudges",),
    blueprints=(bp,),
    home_cards=(HomeCard("push/_card.html", frozenset(Role), order=20, slot="me"),),
    scripts=("push.js",),
    cli=("app.push.cli:push_cli",),
)
