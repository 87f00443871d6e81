"""After-commit callbacks run once the outer transaction commits, never on rollback, and a savepoint
(`aftercommit.savepoint`) keeps what it queued when released and drops it when rolled back."""

import pytest

from app.core import aftercommit
from app.extensions import db


@pytest.fixture
def ran(app):
    return []


def _queue(ran: list, name: str) -> None:
    db.session.connection()  # inside a transaction, as after a write
    aftercommit.after_commit(lambda: ran.append(name))


def test_callbacks_wait_for_the_commit_and_run_once(ran):
    _queue(ran, "hint")
    db.session.flush()
    assert ran == []
    db.session.commit()
    db.session.commit()
    assert ran == ["hint"]


def test_a_rollback_drops_the_callbacks(ran):
    _queue(ran, "hint")
    db.session.rollback()
    db.session.commit()
    assert ran == []


def test_a_released_savepoint_keeps_its_callbacks_for_the_real_commit(ran):
    _queue(ran, "before")
    with aftercommit.savepoint():
        _queue(ran, "inside")
    assert ran == []  # releasing the savepoint is not the commit
    _queue(ran, "after")
    db.session.commit()
    assert ran == ["before", "inside", "after"]


def test_a_rolled_back_savepoint_drops_only_its_own_callbacks(ran):
    _queue(ran, "before")
    with pytest.raises(RuntimeError), aftercommit.savepoint():
        _queue(ran, "inside")
        raise RuntimeError("the nudge failed")
    _queue(ran, "after")
    db.session.commit()
    assert ran == ["before", "after"]


def test_nested_savepoints(ran):
    with aftercommit.savepoint():
        _queue(ran, "outer")
        with pytest.raises(RuntimeError), aftercommit.savepoint():
            _queue(ran, "inner")
            raise RuntimeError("inner failed")
    db.session.commit()
    assert ran == ["outer"]
