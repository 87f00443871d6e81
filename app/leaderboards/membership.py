"""Score rows follow their person: deactivated or reactivated, moved to another store or district, or
their store moved to another district, the person's board_scores rows carry the change at the same flush,
so the boards (which count from the score index alone: app/leaderboards/queries.py) are right at once
and agree with `flask leaderboards rebuild`.

Hooked on the session rather than on the org services, as app/auth/sessions.py does for sockets, so every
writer is covered: the people form, the CSV import, deactivation, the first-day store screens, the CLI,
a test setting `person.active`. ORM changes only: a bulk UPDATE of people or stores would bypass it."""

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from app.leaderboards.models import BoardScore
from app.org.models import Person, Store

_PERSON_FIELDS = ("active", "store_id", "district_id")

_scores, _stores = BoardScore.__table__, Store.__table__

# A person's board home as scores.board_home has it: their store and its district, or (without a store)
# their own district. Read from the stores table at flush time: `person.store` may still be the old one.
_FOLLOW_PERSON = sa.update(_scores).where(_scores.c.person_id == sa.bindparam("person")).values(
    active=sa.bindparam("now_active"), store_id=sa.bindparam("store"),
    district_id=sa.func.coalesce(sa.select(_stores.c.district_id).where(_stores.c.id == sa.bindparam("store"))
                                 .scalar_subquery(), sa.bindparam("own_district")))
_FOLLOW_STORE = sa.update(_scores).where(_scores.c.store_id == sa.bindparam("moved_store")).values(
    district_id=sa.bindparam("new_district"))


def _changed(target, fields: tuple[str, ...]) -> bool:
    state = sa.inspect(target)
    return any(state.attrs[name].history.has_changes() for name in fields)


@event.listens_for(Session, "after_flush")
def _follow(session: Session, _flush_context) -> None:
    # After the flush the people and stores rows hold the new values; the session still lists what changed.
    people, stores = [], []
    for target in session.dirty:
        if isinstance(target, Person) and _changed(target, _PERSON_FIELDS):
            people.append({"person": target.id, "now_active": target.active, "store": target.store_id,
                           "own_district": target.district_id})
        elif isinstance(target, Store) and _changed(target, ("district_id",)):
            stores.append({"moved_store": target.id, "new_district": target.district_id})
    if not people and not stores:
        return
    connection = session.connection()
    if stores:
        connection.execute(_FOLLOW_STORE, stores)
    if people:
        connection.execute(_FOLLOW_PERSON, people)
