"""The rewards catalogue's line of a new chain's set-up checklist (declared in app/rewards/__init__.py)."""

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from app.extensions import db
from app.home.setup import SetupItem
from app.rewards.models import Reward


def setup_items() -> list[SetupItem]:
    rewards = db.session.scalar(sa.select(sa.func.count(Reward.id)).where(Reward.active.is_(True))) or 0
    return [SetupItem("rewards", _l("Rewards catalogue"), _l("What points can be spent on."), rewards > 0,
                      "rewards.manage")]
