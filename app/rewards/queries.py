"""Read models for the store, a person's redemptions, the approval queue and the catalogue admin."""

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from app.extensions import db
from app.org.authz import in_store_scope
from app.org.models import Person, Role
from app.rewards.models import HOLDING_STATUSES, Redemption, RedemptionStatus, Reward, reward_stores

# Who decides on redemptions: the store manager of the person's store, or HR (district managers don't).
APPROVER_ROLES = (Role.STORE_MANAGER, Role.HR, Role.ADMIN)


def offered_to(person: Person) -> sa.ColumnElement[bool]:
    """The reward is offered in the person's store (or in every store), active or not."""
    offered_here = sa.exists().where(reward_stores.c.reward_id == Reward.id,
                                     reward_stores.c.store_id == (person.store_id or -1))
    return sa.or_(Reward.all_stores.is_(True), offered_here)


def available_rewards(person: Person) -> sa.Select:
    """Active rewards offered in the person's store (or in every store)."""
    return sa.select(Reward).where(Reward.active.is_(True), offered_to(person))


def reward_picture_or_none(person: Person, reward_id: int) -> Reward | None:
    """HR and admins see every catalogue picture; others those of rewards offered in their store
    (a hidden reward's picture still shows in the history of those who redeemed it)."""
    query = sa.select(Reward).where(Reward.id == reward_id)
    if person.role not in (Role.HR, Role.ADMIN):
        query = query.where(offered_to(person))
    return db.session.scalar(query)


def approvable_redemptions(actor: Person) -> sa.Select:
    """Redemptions `actor` may decide: their store's for a store manager, everyone's for HR; never their
    own."""
    query = sa.select(Redemption).where(Redemption.person_id != actor.id)
    if actor.role not in APPROVER_ROLES:
        return query.where(sa.false())
    return in_store_scope(query, actor, Redemption.store_id)


def held_count(person_id: int, reward_id: int) -> int:
    """Units of a reward the person holds: what the per-person limit counts."""
    return db.session.scalar(sa.select(sa.func.count(Redemption.id)).where(
        Redemption.person_id == person_id, Redemption.reward_id == reward_id,
        Redemption.status.in_(HOLDING_STATUSES)))


@dataclass
class CatalogueItem:
    reward: Reward
    held: int  # how many this person already holds (pending, ready or collected)

    @property
    def sold_out(self) -> bool:
        return self.reward.stock is not None and self.reward.stock <= 0

    @property
    def limit_reached(self) -> bool:
        return self.reward.per_person_limit is not None and self.held >= self.reward.per_person_limit


def catalogue(person: Person) -> list[CatalogueItem]:
    """The store as `person` sees it, cheapest first: two queries whatever the size."""
    rewards = list(db.session.scalars(available_rewards(person)
                                      .order_by(Reward.cost, Reward.name, Reward.id)))
    held = dict(db.session.execute(
        sa.select(Redemption.reward_id, sa.func.count(Redemption.id))
        .where(Redemption.person_id == person.id, Redemption.status.in_(HOLDING_STATUSES))
        .group_by(Redemption.reward_id)).all()) if rewards else {}
    return [CatalogueItem(reward, held.get(reward.id, 0)) for reward in rewards]


def catalogue_item(person: Person, reward_id: int) -> CatalogueItem | None:
    reward = db.session.scalar(available_rewards(person).where(Reward.id == reward_id))
    if reward is None:
        return None
    return CatalogueItem(reward, held_count(person.id, reward.id))


def my_redemptions(person: Person, limit: int = 50) -> list[Redemption]:
    return list(db.session.scalars(
        sa.select(Redemption).where(Redemption.person_id == person.id)
        .options(selectinload(Redemption.reward), selectinload(Redemption.decided_by))
        .order_by(Redemption.created_at.desc(), Redemption.id.desc()).limit(limit)))


def approval_queue(actor: Person) -> dict[str, list[Redemption]]:
    """Waiting for a decision (oldest first), and approved but not yet handed over."""
    rows = list(db.session.scalars(
        approvable_redemptions(actor)
        .where(Redemption.status.in_((RedemptionStatus.PENDING, RedemptionStatus.APPROVED)))
        .options(selectinload(Redemption.reward), selectinload(Redemption.person).selectinload(Person.store))
        .order_by(Redemption.created_at, Redemption.id).limit(200)))
    return {"pending": [r for r in rows if r.status == RedemptionStatus.PENDING],
            "approved": [r for r in rows if r.status == RedemptionStatus.APPROVED]}


def pending_count(actor: Person) -> int:
    """For a badge on the manager's home: how many requests wait for them."""
    return db.session.scalar(approvable_redemptions(actor)
                             .where(Redemption.status == RedemptionStatus.PENDING)
                             .with_only_columns(sa.func.count(Redemption.id)))


def approvable_or_none(actor: Person, redemption_id: int) -> Redemption | None:
    return db.session.scalar(approvable_redemptions(actor).where(Redemption.id == redemption_id)
                             .options(selectinload(Redemption.reward), selectinload(Redemption.person)))


def own_redemption_or_none(person: Person, redemption_id: int) -> Redemption | None:
    return db.session.scalar(sa.select(Redemption).where(Redemption.id == redemption_id,
                                                         Redemption.person_id == person.id))


@dataclass
class AdminRow:
    reward: Reward
    pending: int
    redeemed: int


def admin_catalogue() -> list[AdminRow]:
    """Every reward, active first, with how many wait for approval and how many were redeemed."""
    counts = (sa.select(Redemption.reward_id,
                        sa.func.count(Redemption.id).filter(Redemption.status == RedemptionStatus.PENDING)
                        .label("pending"),
                        sa.func.count(Redemption.id).filter(Redemption.status.in_(HOLDING_STATUSES))
                        .label("redeemed"))
              .group_by(Redemption.reward_id).subquery())
    query = (sa.select(Reward, sa.func.coalesce(counts.c.pending, 0), sa.func.coalesce(counts.c.redeemed, 0))
             .outerjoin(counts, counts.c.reward_id == Reward.id)
             .options(selectinload(Reward.stores))
             .order_by(Reward.active.desc(), Reward.name, Reward.id))
    return [AdminRow(reward, pending, redeemed) for reward, pending, redeemed in db.session.execute(query)]
