"""The rewards store: a catalogue HR manages, where people spend their points, with stock and approval."""

from flask import Blueprint
from flask_babel import lazy_gettext as _l

from app.core.features import Checklist, Feature, Link, Place
from app.core.navigation import TabLight
from app.org.models import ORG_WIDE_ROLES, Role

bp = Blueprint("rewards", __name__, url_prefix="/rewards")

STORE_MANAGER = frozenset({Role.STORE_MANAGER})
ORG_ADMINS = frozenset(ORG_WIDE_ROLES)

feature = Feature(
    name="rewards",
    uses=("points",),
    blueprints=(bp,),
    lights=(TabLight("home.index", STORE_MANAGER, ("rewards.approvals",)),
            TabLight("home.settings", ORG_ADMINS, ("rewards.new_reward", "rewards.edit_reward"))),
    links=(
        Link(Place.ME, "rewards.store", _l("Rewards"), "store", frozenset(Role),
             _l("Spend your points; follow your requests."), order=20),
        Link(Place.WAITING, "rewards.approvals", _l("Reward requests"), "store", STORE_MANAGER,
             _l("Approve or refuse; a refusal refunds the points"), order=20,
             count="app.rewards.queries:pending_count"),
        Link(Place.SETTINGS, "rewards.manage", _l("Rewards catalogue"), "check", ORG_ADMINS,
             _l("What points can be spent on, stock and approvals."), order=50),
    ),
    checklist=(Checklist(order=40, items="app.rewards.shell:setup_items"),),
    demo="app.rewards.demo:load_rewards",
    demo_order=40,
)
