"""Review cycles: self, manager, peer and upward reviews, calibration and sign-off."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.features import Feature, Link, Place
from app.core.navigation import tab
from app.org.models import MANAGER_ROLES, Role

bp = Blueprint("reviews", __name__, url_prefix="/reviews")

CALIBRATORS = (Role.DISTRICT_MANAGER, Role.HR, Role.ADMIN)

feature = Feature(
    name="reviews",
    blueprints=(bp,),
    modules=("app.reviews.nudging",),
    # Staff and store managers reach "My reviews" (and managers "Reviews to write") from Me.
    tabs=(tab("reviews.index", _l("Reviews"), "star", CALIBRATORS, order=40,
              also_active_for=("reviews.cycle", "reviews.new_cycle", "reviews.calibration", "reviews.templates",
                               "reviews.new_template")),),
    links=(
        Link(Place.WORK, "reviews.mine", _l("My reviews"), "star", frozenset(Role),
             _l("Self-review, your manager's review and every past cycle."), order=40),
        Link(Place.WORK, "reviews.to_write", _l("Reviews I write"), "audit", MANAGER_ROLES,
             _l("Manager reviews waiting for you in the current cycle."), order=70),
    ),
    stylesheet="reviews",
    demo="app.reviews.demo:load_reviews",
    demo_order=110,
)
