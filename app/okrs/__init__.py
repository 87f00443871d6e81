"""Goals: cascading objectives and key results with check-ins."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.features import Feature, Link, Place
from app.core.navigation import tab
from app.org.models import Role

bp = Blueprint("okrs", __name__, url_prefix="/goals")

feature = Feature(
    name="okrs",
    uses=("kpis",),
    blueprints=(bp,),
    # District managers have a Goals tab; everyone else reaches goals from the Me page.
    tabs=(tab("okrs.index", _l("Goals"), "target", (Role.DISTRICT_MANAGER,), order=20,
              also_active_for=("okrs.objective", "okrs.new_objective", "okrs.edit_objective", "okrs.templates",
                               "okrs.new_template", "okrs.apply_template")),),
    links=(Link(Place.WORK, "okrs.index", _l("Goals"), "target", frozenset(Role),
                _l("Your objectives and how the company's cascade down to your store."), order=10),),
    stylesheet="okrs",
    demo="app.okrs.demo:load_okrs",
    demo_order=60,
)
