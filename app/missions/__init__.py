"""Missions: what to do, for whom, the proof, the sign-off and the points (see models.py)."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.features import Checklist, Feature, HomeCard, Link, Place
from app.core.navigation import TabLight, tab
from app.org.models import ORG_WIDE_ROLES, Role
from app.points.sources import source_type

bp = Blueprint("missions", __name__, url_prefix="/missions", static_folder="static", static_url_path="/static")

STORE_MANAGER = frozenset({Role.STORE_MANAGER})
AUTHORING_PAGES = ("missions.manage", "missions.new_mission", "missions.edit_mission", "missions.mission")


feature = Feature(
    name="missions",
    uses=("points", "badges"),
    blueprints=(bp,),
    modules=("app.missions.manage_routes", "app.missions.signoff_routes", "app.missions.schedule"),
    tabs=(
        tab("missions.index", _l("Missions"), "audit", (Role.STAFF,), order=10,
            also_active_for=("missions.assignment",)),
        tab("missions.manage", _l("Missions"), "audit", ORG_WIDE_ROLES, order=15,
            also_active_for=AUTHORING_PAGES[1:] + ("missions.journeys", "missions.journey", "missions.signoffs",
                                                   "missions.signoff")),
    ),
    lights=(TabLight("home.index", STORE_MANAGER, ("missions.signoffs", "missions.signoff", *AUTHORING_PAGES)),
            TabLight("home.index", frozenset({Role.DISTRICT_MANAGER, Role.HR, Role.ADMIN}), AUTHORING_PAGES)),
    links=(
        Link(Place.WAITING, "missions.signoffs", _l("Mission sign-offs"), "check", STORE_MANAGER,
             _l("Photos and answers to approve"), order=10, count="app.missions.manage_queries:signoff_count"),
        Link(Place.SHORTCUT, "missions.new_mission", _l("New mission"), "plus", STORE_MANAGER, order=20),
        Link(Place.SHORTCUT, "missions.manage", _l("Missions"), "audit", frozenset({Role.DISTRICT_MANAGER}),
             order=30),
    ),
    home_cards=(HomeCard("missions/_today.html", frozenset({Role.STAFF}), order=30,
                         context="app.missions.shell:home_card_context"),),
    checklist=(Checklist(order=30, items="app.missions.shell:setup_items"),),
    scripts=("missions.js",),
    init_app=source_type("mission", _l("Mission"), "audit", "missions.assignment", "assignment_id"),
    demo="app.missions.demo:load_missions",
    demo_order=30,
)
