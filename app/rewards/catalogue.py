"""HR and administrators manage the catalogue. Every check lives here so the form, the demo loader
and any later import refuse the same things with the same words."""

from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core import audit
from app.core.aftercommit import after_commit
from app.core.errors import ServiceError
from app.core.text import squash_spaces
from app.extensions import db
from app.org.models import ORG_WIDE_ROLES, Person, Store
from app.rewards import pictures
from app.rewards.models import Reward

MAX_COST = 100_000
MAX_STOCK = 100_000
MAX_LIMIT = 1000


@dataclass
class RewardDraft:
    """What the form says about a reward, as plain values."""

    name: str
    cost: int | None
    description: str = ""
    stock: int | None = None
    per_person_limit: int | None = None
    all_stores: bool = True
    store_ids: list[int] = field(default_factory=list)
    illustration: str | None = None
    picture: bytes | None = None  # a new upload, checked here
    remove_picture: bool = False
    active: bool = True


class DraftProblems(ServiceError):
    """Problems keyed by form field (None: about the whole form)."""

    def __init__(self, problems: dict[str | None, list[str]]):
        super().__init__(" ".join(message for messages in problems.values() for message in messages))
        self.problems = problems


def check_draft(draft: RewardDraft) -> dict[str | None, list[str]]:
    problems: dict[str | None, list[str]] = {}

    def problem(name: str | None, message: str) -> None:
        problems.setdefault(name, []).append(message)

    draft.name = squash_spaces(draft.name)
    draft.description = (draft.description or "").strip()
    if not draft.name:
        problem("name", _("Give the reward a name."))
    elif len(draft.name) > 120:
        problem("name", _("Keep the name under 120 characters."))
    if len(draft.description) > 1000:
        problem("description", _("Keep the description under 1,000 characters."))
    if draft.cost is None or draft.cost <= 0:
        problem("cost", _("The cost must be a whole number of points above zero."))
    elif draft.cost > MAX_COST:
        problem("cost", _("The cost can be at most %(n)d points.", n=MAX_COST))
    if draft.stock is not None and not 0 <= draft.stock <= MAX_STOCK:
        problem("stock", _("Stock must be between 0 and %(n)d, or empty for unlimited.", n=MAX_STOCK))
    if draft.per_person_limit is not None and not 1 <= draft.per_person_limit <= MAX_LIMIT:
        problem("per_person_limit", _("The limit per person must be between 1 and %(n)d, or empty for none.",
                                      n=MAX_LIMIT))
    if draft.all_stores:
        draft.store_ids = []
    else:
        draft.store_ids = sorted(set(draft.store_ids))
        if not draft.store_ids:
            problem("store_ids", _("Choose at least one store, or offer it in all stores."))
        elif db.session.scalar(sa.select(sa.func.count(Store.id)).where(Store.id.in_(draft.store_ids))) \
                != len(draft.store_ids):
            problem("store_ids", _("One of the chosen stores doesn't exist."))
    if draft.illustration not in pictures.ILLUSTRATIONS:
        draft.illustration = pictures.DEFAULT_ILLUSTRATION
    if draft.picture:
        try:
            pictures.check_picture(draft.picture)
        except ServiceError as error:
            problem("picture", error.message)
    return problems


def _require_catalogue_admin(actor: Person) -> None:
    if actor.role not in ORG_WIDE_ROLES:
        raise ServiceError(_("Only HR can change the rewards catalogue."))


def _apply(reward: Reward, draft: RewardDraft) -> None:
    for name in ("name", "description", "cost", "stock", "per_person_limit", "all_stores", "illustration",
                 "active"):
        setattr(reward, name, getattr(draft, name))
    reward.stores = list(db.session.scalars(sa.select(Store).where(Store.id.in_(draft.store_ids)))) \
        if draft.store_ids else []
    old_picture = reward.image_filename
    if draft.picture:
        reward.image_filename = pictures.save_picture(draft.picture)
    elif draft.remove_picture:
        reward.image_filename = None
    if old_picture and old_picture != reward.image_filename:
        after_commit(lambda: pictures.delete_picture(old_picture))


def create_reward(actor: Person | None, draft: RewardDraft) -> Reward:
    """`actor` None: the demo loader or a CLI. Flushes; the caller commits."""
    if actor is not None:
        _require_catalogue_admin(actor)
    problems = check_draft(draft)
    if problems:
        raise DraftProblems(problems)
    reward = Reward(created_by_id=actor.id if actor else None)
    db.session.add(reward)
    _apply(reward, draft)
    db.session.flush()
    audit.record("reward.created", actor_id=actor.id if actor else None, target_type="reward",
                 target_id=reward.id, name=reward.name, cost=reward.cost)
    return reward


def update_reward(actor: Person, reward: Reward, draft: RewardDraft) -> Reward:
    """Stock is set to what the form says: the count HR has on the shelf now."""
    _require_catalogue_admin(actor)
    problems = check_draft(draft)
    if problems:
        raise DraftProblems(problems)
    with audit.change_recorded("reward.updated", reward, ("cost", "stock", "active"), actor_id=actor.id):
        _apply(reward, draft)
        db.session.flush()
    return reward


def set_active(actor: Person, reward: Reward, active: bool) -> None:
    """Deactivating hides the reward from the store; redemptions already made go on as before."""
    _require_catalogue_admin(actor)
    if reward.active == active:
        return
    reward.active = active
    audit.record("reward.activated" if active else "reward.deactivated", actor_id=actor.id,
                 target_type="reward", target_id=reward.id)
