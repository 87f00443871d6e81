"""Run a callback only once the current transaction has committed (never on rollback).

Sockets, pushes and jobs must not announce a change that could still roll back. And `transaction_memo`:
what a transaction may remember, forgotten when it ends."""

import contextlib
import logging
from collections.abc import Callable, Iterator

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db

_KEY = "ascent_after_commit"
_MEMO = "ascent_transaction_memo"


def after_commit(callback: Callable[[], None]) -> None:
    db.session.info.setdefault(_KEY, []).append(callback)


@contextlib.contextmanager
def savepoint() -> Iterator[None]:
    """`db.session.begin_nested()` whose queued callbacks follow it: kept for the real commit when the
    savepoint is released, dropped when it rolls back (the exception then goes on).

    SQLAlchemy fires "after_commit" when a savepoint is released too, and rolling one back fires
    "after_rollback": the handlers below could not tell the savepoint's callbacks from the outer
    transaction's. So the queue is kept aside while the savepoint lives, and put back afterwards."""
    info = db.session.info
    queued = info.pop(_KEY, [])
    inside: list[Callable[[], None]] = []
    try:
        with db.session.begin_nested():
            yield
            inside = info.pop(_KEY, [])
    finally:
        info[_KEY] = queued + inside  # after a rollback `inside` is empty: what it queued is dropped


@event.listens_for(Session, "after_commit")
def _run(session: Session) -> None:
    if session.in_nested_transaction():
        return  # a savepoint was released: the outer transaction can still roll back
    callbacks = session.info.pop(_KEY, [])
    for callback in callbacks:
        try:
            callback()
        except Exception:  # the change is committed; a failed hint must not turn it into an error page
            logging.getLogger(__name__).exception("after-commit callback failed")


@event.listens_for(Session, "after_rollback")
def _discard(session: Session) -> None:
    if session.in_nested_transaction():
        return  # only the savepoint rolled back; what the outer transaction queued still stands
    session.info.pop(_KEY, None)


def transaction_memo(name: str, session: Session | None = None) -> dict:
    """A dict that lives as long as the session's current transaction: for what a transaction has read
    and may read again (a person's badges, checked by two features on one award). Whoever writes what a
    memo holds keeps it up to date. A savepoint's end, released or rolled back, forgets it too: what was
    written inside may be gone."""
    info = (session if session is not None else db.session()).info
    return info.setdefault(_MEMO, {}).setdefault(name, {})


@event.listens_for(Session, "after_transaction_end")
def _forget(session: Session, _transaction) -> None:
    session.info.pop(_MEMO, None)
