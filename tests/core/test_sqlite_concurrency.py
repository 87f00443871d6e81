"""SQLite under concurrent writers: WAL, foreign keys, and BEGIN IMMEDIATE so that a transaction that
reads and then writes queues for the lock instead of failing with "database is locked"."""

import threading

import pytest
import sqlalchemy as sa

from app.auth.models import InviteToken
from app.core import audit
from app.core.audit import AuditEntry
from app.extensions import db
from app.org.models import Person
from tests import factories
from tests.core.support import sign_in

THREADS = 12
REQUESTS_PER_THREAD = 15
TRANSACTIONS_PER_THREAD = 30


@pytest.fixture(autouse=True)
def sqlite_only(database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite only: PostgreSQL locks rows, not the whole database")


def run_in_threads(count: int, work) -> list[BaseException]:
    """Start `count` threads together on work(index); return what they raised."""
    barrier = threading.Barrier(count)
    errors: list[BaseException] = []

    def run(index: int) -> None:
        try:
            barrier.wait(timeout=30)
            work(index)
        except BaseException as error:  # noqa: BLE001 - reported by the test, not lost in a thread
            errors.append(error)

    threads = [threading.Thread(target=run, args=(index,)) for index in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a writer hung"
    return errors


def test_the_engine_uses_wal_foreign_keys_and_a_busy_timeout(app):
    with db.engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"
        assert connection.exec_driver_sql("PRAGMA foreign_keys").scalar() == 1
        assert connection.exec_driver_sql("PRAGMA busy_timeout").scalar() >= 5000


def test_foreign_keys_are_enforced(app):
    db.session.add(Person(employee_number="E-FK", full_name="No Store", role="staff", store_id=987654))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()


def test_concurrent_requests_that_read_then_write_all_land(app, org):
    """Each thread is a manager's phone printing invites for their own person: every request reads
    (scope check, open invites), then writes (revoke, insert token, audit row)."""
    # Each manager with a new associate in a store they manage.
    teams = [(org.admin, org.store), (org.hr, org.other_store), (org.dm, org.sibling_store),
             (org.other_dm, org.other_store), (org.sm, org.store), (org.sibling_sm, org.sibling_store),
             (org.other_sm, org.other_store)]
    teams += [(factories.make_person("hr"), org.store) for _ in range(THREADS - len(teams))]
    managers = [manager for manager, _ in teams]
    pairs = [(manager.id, factories.make_person("staff", store=store, password=None).id)
             for manager, store in teams]
    db.session.commit()
    clients = []
    for manager in managers:
        client = app.test_client()
        sign_in(client, manager)
        clients.append(client)
    audits_before = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    db.session.commit()  # outside a request even a read takes the write lock: let it go before the race
    statuses: list[int] = []

    def work(index: int) -> None:
        client, (_, person_id) = clients[index], pairs[index]
        for _ in range(REQUESTS_PER_THREAD):
            # confirm: each print after the first cancels the sheet before it, knowingly.
            response = client.post("/people/invites", data={"person_id": str(person_id), "confirm": "1"})
            statuses.append(response.status_code)

    errors = run_in_threads(THREADS, work)

    assert errors == [], [repr(error) for error in errors[:3]]
    assert statuses == [200] * (THREADS * REQUESTS_PER_THREAD)
    db.session.rollback()
    for _, person_id in pairs:
        tokens = db.session.scalars(sa.select(InviteToken).where(InviteToken.person_id == person_id)).all()
        assert len(tokens) == REQUESTS_PER_THREAD
        assert sum(token.revoked_at is None for token in tokens) == 1  # only the newest still works
    audits = db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry))
    assert audits - audits_before == THREADS * REQUESTS_PER_THREAD


def test_concurrent_read_modify_write_transactions_are_serialised(app, org):
    """Service-style code in app contexts (CLI, jobs): read a value, write it back changed. With the
    write lock taken at BEGIN the transactions queue, so none fails and no increment is lost."""
    person_id = org.staff.id
    start = org.staff.session_version
    db.session.commit()

    def work(index: int) -> None:
        for _ in range(TRANSACTIONS_PER_THREAD):
            with app.app_context():
                person = db.session.get(Person, person_id)
                person.session_version = person.session_version + 1  # read, then write
                audit.record("test.increment", actor_id=None, thread=index)
                db.session.commit()

    errors = run_in_threads(THREADS, work)

    assert errors == [], [repr(error) for error in errors[:3]]
    db.session.rollback()
    total = THREADS * TRANSACTIONS_PER_THREAD
    assert db.session.get(Person, person_id).session_version == start + total
    assert db.session.scalar(sa.select(sa.func.count()).select_from(AuditEntry)
                             .where(AuditEntry.action == "test.increment")) == total


def test_the_process_writer_lock_is_free_after_every_way_a_write_transaction_ends(app, org):
    """Writers queue on one lock per process (app/core/database.py) from BEGIN IMMEDIATE to the end of the
    transaction: whether it commits, rolls back or fails, the next writer must get it."""
    from app.core.database import writer_lock

    writer = writer_lock(db.engine)
    db.session.commit()
    assert not writer.locked()
    audit.record("test.written", actor_id=None)
    db.session.flush()
    assert writer.locked()
    db.session.commit()
    assert not writer.locked()
    audit.record("test.rolled_back", actor_id=None)
    db.session.flush()
    db.session.rollback()
    assert not writer.locked()
    db.session.add(Person(employee_number="E-FK2", full_name="No Store", role="staff", store_id=987654))
    with pytest.raises(sa.exc.IntegrityError):
        db.session.commit()
    db.session.rollback()
    assert not writer.locked()
    db.session.close()
    assert not writer.locked()
