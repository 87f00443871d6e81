"""The demo catalogue loads on top of the demo chain, and only once."""

import sqlalchemy as sa

from app.extensions import db
from app.org.demo import load_org
from app.org.models import Person, Role
from app.points import ledger
from app.rewards.demo import load_rewards
from app.rewards.models import Redemption, RedemptionStatus, Reward
from app.rewards.queries import approval_queue


def test_demo_rewards(app):
    load_org()
    manager = db.session.scalar(sa.select(Person).where(Person.email == "sm@demo.ascent"))
    # Stands in for the (slow) 90-day points history: everyone in the demo store has points to spend.
    for person in db.session.scalars(sa.select(Person).where(Person.store_id == manager.store_id,
                                                             Person.role == Role.STAFF)):
        ledger.award(person, 200, source_type="test", reason="Demo points", idempotency_key=f"t:{person.id}")
    added = load_rewards()
    db.session.commit()
    assert 8 <= added <= 12
    assert db.session.scalar(sa.select(sa.func.count(Reward.id))) == added
    queue = approval_queue(manager)
    assert len(queue["pending"]) >= 2
    assert all(r.store_id == manager.store_id for r in queue["pending"])
    staff = db.session.scalar(sa.select(Person).where(Person.email == "staff@demo.ascent"))
    assert db.session.scalar(sa.select(Redemption.status).where(Redemption.person_id == staff.id)) == \
        RedemptionStatus.APPROVED
    assert ledger.verify() == []
    assert load_rewards() == 0


def test_demo_rewards_without_points_make_no_requests(app):
    load_org()
    assert load_rewards() >= 8
    assert db.session.scalar(sa.select(sa.func.count(Redemption.id))) == 0
