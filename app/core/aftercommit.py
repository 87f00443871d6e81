"""Run a callback only once the current transaction has committed (never on rollback).

Sockets, pushes and jobs must not announce a change that could still roll back."""

import logging
from collections.abc import Callable

from sqlalchemy import event
from sqlalchemy.orm import Session

from app.extensions import db

_KEY = "ascent_after_commit"


def after_commit(callback: Callable[[], None]) -> None:
    db.session.info.setdefault(_KEY, []).append(callback)


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
