"""Feedback: kudos, constructive feedback, requests, and upward feedback and questions."""

from flask import Blueprint, url_for
from flask_babel import lazy_gettext as _l

from app.core.features import Feature, Link, Place
from app.org.models import ORG_WIDE_ROLES, Role

bp = Blueprint("feedback", __name__, url_prefix="/feedback")


def _init_app(_app) -> None:
    from app.points.sources import register_source

    register_source("kudos", _l("Kudos from a colleague"), "heart",
                    link=lambda feedback_id: url_for("feedback.item", feedback_id=int(feedback_id)))


feature = Feature(
    name="feedback",
    uses=("feed",),
    blueprints=(bp,),
    models=("app.feedback.models",),
    modules=("app.feedback.routes", "app.feedback.nudge_types"),
    links=(
        Link(Place.WORK, "feedback.index", _l("Feedback and kudos"), "chat", frozenset(Role),
             _l("Received, given, requests, and questions to your managers."), order=20),
        Link(Place.SETTINGS, "feedback.company_values", _l("Company values"), "heart", frozenset(ORG_WIDE_ROLES),
             _l("What kudos and feedback are tagged with."), order=70),
    ),
    stylesheet="feedback",
    init_app=_init_app,
    demo="app.feedback.demo:load_feedback",
    demo_order=90,
)
