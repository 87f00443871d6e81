"""A plausible rewards catalogue for the demo chain, and a few requests waiting in Sofia Moretti's store
(sm@demo.ascent, Milano Duomo) so the approval queue has something in it. Redemptions go through the
real service, so balances, stock and the ledger agree. Run it after the points history."""

from datetime import timedelta

import sqlalchemy as sa

from app.core.errors import ServiceError
from app.core.models import utcnow
from app.extensions import db
from app.org.models import Person, Role, Store
from app.points.ledger import balances
from app.rewards import redemptions
from app.rewards.catalogue import RewardDraft, create_reward
from app.rewards.models import RedemptionStatus, Reward

# name, description, cost, stock (None: unlimited), limit per person, illustration, store codes (None: all)
CATALOGUE = [
    ("Coffee at the bar next door", "A coffee and a cornetto on us. Show the voucher at the bar.",
     25, None, None, "coffee", None),
    ("15-minute extra break", "Take it on a quiet afternoon, agreed with your manager on the day.",
     40, None, 4, "break", None),
    ("Lunch voucher", "A €10 voucher for the food court, valid for a month.", 60, 40, 2, "meal", None),
    ("Ascent tote bag", "The canvas tote from the spring collection.", 80, 25, None, "merch", None),
    ("Store team T-shirt", "Organic cotton, in your size. Ask your manager for the size chart.",
     90, 30, 1, "merch", None),
    ("Cinema tickets for two", "Two tickets for any evening show at the partner cinemas.",
     150, 10, 1, "ticket", None),
    ("Visual merchandising course", "A day at the academy in Milano with our VM team. Travel paid.",
     200, 6, 1, "training", None),
    ("Aperitivo on the Duomo terrace", "For the Milano stores: an evening aperitivo for two.",
     180, 4, 1, "gift", ["MI01", "MI02"]),
    ("Extra day off", "One extra day of holiday, planned with your manager at least two weeks ahead.",
     400, 12, 1, "day-off", None),
    ("Gift card €25", "For the whole chain, online too.", 250, 20, 2, "gift", None),
]
# (person's position among Milano Duomo's staff by employee number, reward name, status to leave it in)
REQUESTS = [
    (0, "Coffee at the bar next door", RedemptionStatus.APPROVED),
    (1, "Lunch voucher", RedemptionStatus.PENDING),
    (2, "15-minute extra break", RedemptionStatus.PENDING),
    (3, "Ascent tote bag", RedemptionStatus.PENDING),
]


def load_rewards() -> int:
    """Create the catalogue and the waiting requests; returns how many rewards were added (0 when the
    catalogue already has rewards). Flushes; the caller commits."""
    if db.session.scalar(sa.select(sa.func.count(Reward.id))):
        return 0
    codes = dict(db.session.execute(sa.select(Store.code, Store.id)).all())
    rewards = {}
    for name, description, cost, stock, limit, illustration, store_codes in CATALOGUE:
        store_ids = [codes[code] for code in store_codes or () if code in codes]
        if store_codes and not store_ids:
            continue  # a chain without those stores: leave the local reward out
        rewards[name] = create_reward(None, RewardDraft(
            name=name, description=description, cost=cost, stock=stock, per_person_limit=limit,
            all_stores=not store_codes, store_ids=store_ids, illustration=illustration))
    _requests_in_the_demo_store(rewards)
    return len(rewards)


def _requests_in_the_demo_store(rewards: dict[str, Reward]) -> None:
    manager = db.session.scalar(sa.select(Person).where(Person.email == "sm@demo.ascent"))
    if manager is None or manager.store_id is None:
        return
    staff = list(db.session.scalars(
        sa.select(Person).where(Person.store_id == manager.store_id, Person.role == Role.STAFF,
                                Person.active.is_(True), Person.password_hash.is_not(None))
        .order_by(Person.email.is_(None), Person.employee_number)))  # staff@demo.ascent first
    now = utcnow()
    for position, reward_name, status in REQUESTS:
        reward = rewards.get(reward_name)
        if reward is None or position >= len(staff) or balances(staff[position].id)[1] < reward.cost:
            continue  # no points history loaded: no requests either
        person = staff[position]
        try:
            redemption = redemptions.redeem(person, reward.id,
                                            request_key=f"demo-request-{position:04d}").redemption
        except ServiceError:
            continue
        redemption.created_at = now - timedelta(days=len(REQUESTS) - position, hours=3)
        db.session.flush()
        if status == RedemptionStatus.APPROVED:
            redemptions.approve(manager, redemption)
    db.session.flush()

