"""Small factories for rewards tests (tests/factories.py stays the shared org chart)."""

import itertools
import uuid

import sqlalchemy as sa

from app.extensions import db
from app.org.models import Person, Store
from app.points import ledger
from app.points.models import PointEntry
from app.rewards.models import Redemption, Reward

_sequence = itertools.count(1)
PNG_1PX = bytes.fromhex(
    "89504e470d0a1a0a0000000d49484452000000010000000108060000001f15c489"
    "0000000d49444154789c63f8cfc0f01f00050001ff89993d1d0000000049454e44ae426082")


def make_reward(*, cost: int = 100, stock: int | None = None, per_person_limit: int | None = None,
                stores: list[Store] | None = None, active: bool = True, name: str | None = None) -> Reward:
    reward = Reward(name=name or f"Reward {next(_sequence)}", description="Something nice.", cost=cost,
                    stock=stock, per_person_limit=per_person_limit, all_stores=stores is None,
                    stores=stores or [], active=active, illustration="gift")
    db.session.add(reward)
    db.session.flush()
    return reward


def give_points(person: Person, points: int) -> None:
    ledger.award(person, points, source_type="test", reason="Test points", idempotency_key=uuid.uuid4().hex)


def balance(person_id: int) -> int:
    db.session.expire_all()
    return ledger.balances(person_id)[1]


def stock(reward_id: int) -> int | None:
    return db.session.scalar(sa.select(Reward.stock).where(Reward.id == reward_id).execution_options(
        populate_existing=True))


def redemptions_of(person_id: int) -> list[Redemption]:
    db.session.expire_all()
    return list(db.session.scalars(sa.select(Redemption).where(Redemption.person_id == person_id)
                                   .order_by(Redemption.id)))


def entry_count() -> int:
    return db.session.scalar(sa.select(sa.func.count(PointEntry.id)))
