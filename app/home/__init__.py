"""The shell's own pages: each role's home, the Me page and the settings page. They draw only what features
declare in their `Feature` records (app/core/features.py): cards, links, shortcuts and checklist items."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.features import Checklist, Feature, HomeCard
from app.core.navigation import tab
from app.org.models import Role

bp = Blueprint("home", __name__)

EVERYONE = frozenset(Role)

feature = Feature(
    name="home",
    blueprints=(bp,),
    tabs=(
        tab("home.index", _l("Home"), "home", (Role.STAFF,), order=0),
        tab("home.index", _l("Today"), "today", (Role.STORE_MANAGER,), order=0),
        tab("home.index", _l("Overview"), "home", (Role.DISTRICT_MANAGER, Role.HR, Role.ADMIN), order=0),
        tab("home.me", _l("Me"), "me", tuple(Role), order=100, also_active_for=("auth.change_password",)),
        # Org-wide settings live behind one tab so HR keeps five tabs on a phone.
        tab("home.settings", _l("Settings"), "audit", (Role.HR, Role.ADMIN), order=90),
    ),
    home_cards=(HomeCard("home/_colleagues.html", frozenset({Role.STAFF}), order=90),),
    checklist=(Checklist(order=0, items="app.home.setup:company_items"),),
)
