"""Goals pages refresh themselves when what they show moves: a KPI measurement (KPI-linked key results
move by themselves) or a check-in. The hint goes out after commit, to the rooms of the stores concerned;
the page re-fetches its fragment over HTTP (app/core/realtime.py)."""

from app.core import realtime
from app.core.aftercommit import after_commit
from app.extensions import db
from app.okrs.models import Level, Objective
from app.org.models import Store

EVENT = "goals-changed"


def announce(rooms: set[str]) -> None:
    def hint() -> None:
        for room in sorted(rooms):
            realtime.notify(room, EVENT)

    after_commit(hint)


def _store_rooms(store_id: int | None) -> set[str]:
    if store_id is None:
        return set()
    store = db.session.get(Store, store_id)
    rooms = {realtime.store_room(store_id)}
    if store is not None:
        rooms.add(realtime.district_room(store.district_id))
    return rooms


def objective_changed(objective: Objective) -> None:
    """A check-in or an edit: the objective's own rooms (a company objective tells everyone)."""
    if objective.level == Level.COMPANY:
        rooms = {realtime.COMPANY_ROOM}
    elif objective.level == Level.DISTRICT and objective.district_id is not None:
        rooms = {realtime.district_room(objective.district_id)}
    elif objective.level == Level.STORE:
        rooms = _store_rooms(objective.store_id)
    else:
        rooms = {realtime.person_room(objective.person_id)} if objective.person_id else set()
        if objective.person is not None:
            rooms |= _store_rooms(objective.person.store_id)
    announce(rooms)


def store_changed(store_id: int) -> None:
    """A store's figures moved: its pages and its district's (KPI-linked key results move by themselves)."""
    announce(_store_rooms(store_id))
