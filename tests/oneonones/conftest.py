"""Helpers for the 1:1 tests: book 1:1s directly (the service is tested on its own) and add items."""

from datetime import date, datetime, timedelta

import pytest

from app.core.models import utcnow
from app.extensions import db
from app.oneonones.models import ActionItem, AgendaItem, OneOnOne, OneOnOneStatus, PrivateNote


def make_one_on_one(manager, person, *, at: datetime | None = None, days: float = 2, status: str = "scheduled",
                    pulse: int | None = None, notes: str = "") -> OneOnOne:
    """A 1:1 `days` from now (negative: in the past) unless `at` says when."""
    one = OneOnOne(manager_id=manager.id, person_id=person.id,
                   scheduled_at=at or (utcnow() + timedelta(days=days)).replace(microsecond=0),
                   status=status, pulse=pulse, notes=notes,
                   completed_at=utcnow() if status == OneOnOneStatus.DONE else None)
    db.session.add(one)
    db.session.flush()
    return one


def add_action(one: OneOnOne, owner, text: str = "Refresh the window display", *, due_on: date | None = None,
               done: bool = False) -> ActionItem:
    item = ActionItem(manager_id=one.manager_id, person_id=one.person_id, one_on_one_id=one.id,
                      owner_id=owner.id, text=text, due_on=due_on, created_by_id=one.manager_id,
                      done_at=utcnow() if done else None)
    db.session.add(item)
    db.session.flush()
    return item


def add_agenda(one: OneOnOne, author, text: str = "Weekend shifts") -> AgendaItem:
    item = AgendaItem(one_on_one_id=one.id, author_id=author.id, text=text)
    db.session.add(item)
    db.session.flush()
    return item


def add_private_note(one: OneOnOne, text: str) -> PrivateNote:
    note = PrivateNote(one_on_one_id=one.id, author_id=one.manager_id, text=text)
    db.session.add(note)
    db.session.flush()
    return note


def in_ascent_since(days_ago: int, *people, now: datetime | None = None) -> None:
    """Backdate the people's accounts: coaching's "never" counts from their arrival in Ascent, and the
    factories create everyone just now."""
    for person in people:
        person.created_at = (now or utcnow()) - timedelta(days=days_ago)
    db.session.flush()


@pytest.fixture
def book():
    return make_one_on_one
