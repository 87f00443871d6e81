"""Feedback: kudos, constructive feedback, requests, and upward feedback and questions."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.features import Feature, Link, Place
from app.org.models import ORG_WIDE_ROLES, Role
from app.points.sources import source_type

bp = Blueprint("feedback", __name__, url_prefix="/feedback")


feature = Feature(
    name="feedback",
    uses=("feed",),
    blueprints=(bp,),
    modules=("app.feedback.nudge_types",),
    links=(
        Link(Place.WORK, "feedback.index", _l("Feedback and kudos"), "chat", frozenset(Role),
             _l("Received, given, requests, and questions to your managers."), order=20),
        Link(Place.SETTINGS, "feedback.company_values", _l("Company values"), "heart", frozenset(ORG_WIDE_ROLES),
             _l("What kudos and feedback are tagged with."), order=70),
    ),
    stylesheet="feedback",
    init_app=source_type("kudos", _l("Kudos from a colleague"), "heart", "feedback.item", "feedback_id"),
    demo="app.feedback.demo:load_feedback",
    demo_order=90,
)
