"""The ledger stays exact when many writers race: real threads and real processes, no mocks,
on whichever database the run uses (SQLite by default, PostgreSQL with DATABASE_URL)."""

import multiprocessing
import random
import threading

import sqlalchemy as sa

from app.extensions import db
from app.org.models import Person
from app.points import ledger
from app.points.models import PointEntry


def _race(app, person_id: int, keys: list[str], threads: int) -> list[Exception]:
    errors: list[Exception] = []
    db.session.close()  # the test's own session must not hold a transaction (or SQLite's write lock)
    chunks = [keys[i::threads] for i in range(threads)]
    barrier = threading.Barrier(threads)

    def worker(chunk):
        with app.app_context():
            barrier.wait()
            for key in chunk:
                try:
                    person = db.session.get(Person, person_id)
                    ledger.award(person, 3, source_type="mission", reason="race", idempotency_key=key)
                    db.session.commit()
                except Exception as error:  # collected and asserted below
                    db.session.rollback()
                    errors.append(error)
            db.session.remove()

    pool = [threading.Thread(target=worker, args=(chunk,)) for chunk in chunks]
    for thread in pool:
        thread.start()
    for thread in pool:
        thread.join()
    return errors


def test_fifty_threads_same_key_pay_once(app, org):
    staff_id = org.staff.id
    errors = _race(app, staff_id, ["same-key"] * 50, threads=50)
    assert errors == []
    assert db.session.scalar(sa.select(sa.func.count(PointEntry.id))) == 1
    assert ledger.balances(staff_id) == (3, 3)


def test_threads_with_replayed_keys_stay_exact(app, org):
    unique = [f"k{i}" for i in range(120)]
    replayed = random.Random(7).choices(unique, k=30)  # 20% of the traffic repeats a key
    keys = unique + replayed
    random.Random(8).shuffle(keys)
    staff_id = org.staff.id
    errors = _race(app, staff_id, keys, threads=16)
    assert errors == []
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(PointEntry.id))) == 120
    assert ledger.balances(staff_id) == (360, 360)
    assert ledger.verify() == []


def _process_worker(database_url: str, person_id: int, keys: list[str], queue) -> None:
    import tempfile
    from pathlib import Path

    from app import create_app
    from tests.conftest import _test_config

    app = create_app(_test_config(database_url, Path(tempfile.mkdtemp())))
    failures = 0
    with app.app_context():
        for key in keys:
            try:
                ledger.award(db.session.get(Person, person_id), 2, source_type="mission", reason="proc",
                             idempotency_key=key)
                db.session.commit()
            except Exception:
                db.session.rollback()
                failures += 1
        db.engine.dispose()
    queue.put(failures)


def test_processes_with_replayed_keys_stay_exact(app, org, database_url):
    staff_id = org.staff.id
    keys = [f"p{i}" for i in range(60)]
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    # Four processes all send every key, in different orders: each key must pay exactly once.
    workers = []
    for seed in range(4):
        shuffled = keys[:]
        random.Random(seed).shuffle(shuffled)
        workers.append(context.Process(target=_process_worker,
                                       args=(database_url, staff_id, shuffled, queue)))
    db.session.close()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert [worker.exitcode for worker in workers] == [0, 0, 0, 0]
    assert sum(queue.get(timeout=5) for _ in workers) == 0
    db.session.expire_all()
    assert db.session.scalar(sa.select(sa.func.count(PointEntry.id))) == 60
    assert ledger.balances(staff_id) == (120, 120)
    assert ledger.verify() == []


def test_concurrent_spends_never_overdraw(app, org):
    ledger.award(org.staff, 10, source_type="mission", reason="seed", idempotency_key="seed")
    db.session.commit()
    staff_id = org.staff.id
    outcomes = []
    barrier = threading.Barrier(8)

    def spender(n):
        with app.app_context():
            barrier.wait()
            try:
                ledger.spend(db.session.get(Person, staff_id), 3, source_type="redemption", source_id=n,
                             reason="coffee", idempotency_key=f"spend-{n}")
                db.session.commit()
                outcomes.append("ok")
            except Exception as error:
                db.session.rollback()
                outcomes.append(f"refused: {error}")
            db.session.remove()

    db.session.close()
    threads = [threading.Thread(target=spender, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert outcomes.count("ok") == 3, outcomes
    db.session.expire_all()
    assert ledger.balances(staff_id) == (10, 1)
