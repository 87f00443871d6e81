"""The store feed: public kudos, badges, missions and challenge results, with reactions."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.features import Feature
from app.core.navigation import tab
from app.org.models import Role

bp = Blueprint("feed", __name__, url_prefix="/feed")

feature = Feature(
    name="feed",
    uses=("feedback", "journey"),
    blueprints=(bp,),
    tabs=(tab("feed.index", _l("Feed"), "chat", (Role.STAFF,), order=30),
          tab("feed.index", _l("Feed"), "chat", (Role.STORE_MANAGER,), order=40)),
    stylesheet="feed",
)
