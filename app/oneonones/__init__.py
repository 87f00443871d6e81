"""1:1 check-ins and the managers' coaching view."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.features import Feature, Link, Place
from app.core.navigation import tab
from app.org.models import MANAGER_ROLES, Role

bp = Blueprint("oneonones", __name__, url_prefix="/one-on-ones")

feature = Feature(
    name="oneonones",
    uses=("feedback", "journey"),
    blueprints=(bp,),
    modules=("app.oneonones.reminders",),
    tabs=(tab("oneonones.coaching", _l("Team"), "people", (Role.STORE_MANAGER,), order=20,
              also_active_for=("oneonones.schedule", "oneonones.create")),),
    links=(
        Link(Place.WORK, "oneonones.index", _l("1:1 check-ins"), "calendar", frozenset(Role),
             _l("Agenda, pulse and action items with your manager."), order=30),
        Link(Place.WORK, "oneonones.coaching", _l("Coaching"), "people", MANAGER_ROLES,
             _l("Days since feedback and 1:1 for each of your direct reports."), order=80),
        Link(Place.SHORTCUT, "oneonones.coaching", _l("Coaching"), "calendar", frozenset({Role.DISTRICT_MANAGER}),
             order=20),
    ),
    stylesheet="oneonones",
    demo="app.oneonones.demo:load_oneonones",
    demo_order=100,
)
