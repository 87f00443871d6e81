"""Real threads racing for the last unit in stock, on whichever database the run uses (SQLite by default,
PostgreSQL with DATABASE_URL): exactly one wins, and every balance stays exact."""

import threading

import pytest
import sqlalchemy as sa

from app.core.errors import ServiceError
from app.extensions import db
from app.org.models import Person
from app.points import ledger
from app.rewards import redemptions
from app.rewards.models import Redemption
from tests import factories
from tests.rewards.helpers import balance, give_points, make_reward, stock

THREADS = 8


def _race(app, person_ids: list[int], reward_id: int) -> tuple[list[int], list[str]]:
    """Every person redeems at the same moment, each in their own thread, session and transaction."""
    # The test's own session must not hold a transaction (on SQLite, BEGIN IMMEDIATE's write lock).
    db.session.rollback()
    barrier = threading.Barrier(len(person_ids))
    won, refused, crashed = [], [], []

    def attempt(person_id: int) -> None:
        with app.app_context():
            try:
                person = db.session.get(Person, person_id)
                db.session.commit()  # start the race from a clean transaction
            finally:
                barrier.wait()
            try:
                redemptions.redeem(person, reward_id)
                db.session.commit()
                won.append(person_id)
            except ServiceError as error:
                db.session.rollback()
                refused.append(error.message)
            except Exception as error:  # noqa: BLE001 - reported below
                db.session.rollback()
                crashed.append(repr(error))
            finally:
                db.session.remove()

    threads = [threading.Thread(target=attempt, args=(person_id,)) for person_id in person_ids]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not crashed, crashed
    return won, refused


@pytest.mark.slow
def test_many_people_race_for_the_last_item(app, org):
    reward = make_reward(cost=30, stock=1)
    people = [factories.make_person(store=org.store) for _ in range(THREADS)]
    for person in people:
        give_points(person, 50)
    db.session.commit()
    ids = [person.id for person in people]

    won, refused = _race(app, ids, reward.id)

    assert len(won) == 1 and len(refused) == THREADS - 1, refused
    assert all("run out" in message for message in refused)
    db.session.expire_all()
    assert stock(reward.id) == 0
    assert db.session.scalar(sa.select(sa.func.count(Redemption.id))) == 1
    for person_id in ids:
        assert balance(person_id) == (20 if person_id in won else 50)
    assert ledger.verify() == []


@pytest.mark.slow
def test_one_person_racing_themselves_respects_the_limit_and_the_balance(app, org):
    """Same person, many tabs: unlimited stock, limit 2 per person, points for 3: exactly 2 go through."""
    reward = make_reward(cost=10, stock=None, per_person_limit=2)
    give_points(org.staff, 30)
    db.session.commit()

    won, refused = _race(app, [org.staff.id] * THREADS, reward.id)

    assert len(won) == 2
    assert all("most times allowed" in message for message in refused)
    assert balance(org.staff.id) == 10
    assert ledger.verify() == []


@pytest.mark.slow
def test_racing_for_more_than_the_balance_never_goes_negative(app, org):
    """Unlimited stock and no limit: the balance (50) pays for exactly 5 of 8 simultaneous redemptions."""
    reward = make_reward(cost=10, stock=None)
    give_points(org.staff, 50)
    db.session.commit()

    won, refused = _race(app, [org.staff.id] * THREADS, reward.id)

    assert len(won) == 5 and len(refused) == THREADS - 5
    assert balance(org.staff.id) == 0
    assert ledger.verify() == []
