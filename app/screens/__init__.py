"""Store TV screens: a live board for the back-office TV, opened with a link a manager can revoke."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.features import Feature, Link, Place
from app.org.models import MANAGER_ROLES, Role

bp = Blueprint("screens", __name__, url_prefix="/tv")

feature = Feature(
    name="screens",
    blueprints=(bp,),
    links=(
        Link(Place.WORK, "screens.manage", _l("TV screens"), "tv", MANAGER_ROLES,
             _l("A live store board for the back-office TV, opened with a link you can revoke."), order=90),
        Link(Place.SHORTCUT, "screens.manage", _l("TV screens"), "tv",
             frozenset({Role.STORE_MANAGER, Role.DISTRICT_MANAGER}), order=60),
    ),
    stylesheet="screens",
)
