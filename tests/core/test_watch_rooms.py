"""Watch rooms (app.core.realtime): a page asks to watch "<event>@<room>" for what it shows; the socket
gets only those its access allows, asked again at every join, and leaves the ones its page no longer
shows. Hints sent there reach nobody else. Each socket event in its own app context (tests/core/conftest)."""

import sqlalchemy as sa

from app.core import realtime
from app.extensions import db
from app.org.models import Person
from tests.core.test_sockets_outlive_access import names, open_socket, rejoin, signed_in_device


def watch(app, socket, *rooms: str):
    with app.app_context():
        return socket.emit("watch", {"rooms": list(rooms)}, callback=True)


def hint(room: str) -> None:
    realtime.notify(realtime.watch_room("thing-changed", room), "thing-changed")


def test_a_socket_watches_its_own_rooms_and_no_other_stores(app, org):
    socket = open_socket(app, signed_in_device(app, org.staff))
    own, others = realtime.store_room(org.store.id), realtime.store_room(org.other_store.id)

    # "thing-changed" has no rule of its own: only the socket's access rooms can be watched.
    assert watch(app, socket, realtime.watch_room("thing-changed", own),
                 realtime.watch_room("thing-changed", others)) == [realtime.watch_room("thing-changed", own)]

    hint(others)
    assert names(socket) == []
    hint(own)
    assert names(socket) == ["thing-changed"]


def test_watch_rooms_are_not_heard_in_the_access_room(app, org):
    watching = open_socket(app, signed_in_device(app, org.staff))
    elsewhere = open_socket(app, signed_in_device(app, org.colleague))  # same store, a page that doesn't show it
    watch(app, watching, realtime.watch_room("thing-changed", realtime.store_room(org.store.id)))

    hint(realtime.store_room(org.store.id))

    assert names(watching) == ["thing-changed"]
    assert names(elsewhere) == []


def test_a_new_watch_replaces_the_last(app, org):
    socket = open_socket(app, signed_in_device(app, org.staff))
    store, company = realtime.store_room(org.store.id), realtime.COMPANY_ROOM
    watch(app, socket, realtime.watch_room("thing-changed", store))

    assert watch(app, socket, realtime.watch_room("thing-changed", company)) == [
        realtime.watch_room("thing-changed", company)]

    hint(store)
    hint(company)
    assert names(socket) == ["thing-changed"]
    assert watch(app, socket) == []  # a page with nothing to watch
    hint(company)
    assert names(socket) == []
    realtime.notify(company, "rare-hint")  # the access rooms stay
    assert names(socket) == ["rare-hint"]


def test_a_socket_watches_at_most_a_handful(app, org):
    socket = open_socket(app, signed_in_device(app, org.staff))
    asked = [realtime.watch_room(f"thing-{n}", realtime.COMPANY_ROOM) for n in range(50)]

    assert len(watch(app, socket, *asked)) == realtime.MAX_WATCHED


def test_a_rejoin_drops_the_old_stores_watch(app, org):
    socket = open_socket(app, signed_in_device(app, org.staff))
    watch(app, socket, realtime.watch_room("thing-changed", realtime.store_room(org.store.id)))
    db.session.get(Person, org.staff.id).store_id = org.other_store.id
    db.session.commit()

    rejoin(app, socket)

    hint(realtime.store_room(org.store.id))
    assert names(socket) == []
    assert socket.is_connected()


def test_a_watch_with_a_stale_session_disconnects(app, org):
    socket = open_socket(app, signed_in_device(app, org.staff))
    db.session.execute(sa.update(Person).where(Person.id == org.staff.id)
                       .values(session_version=Person.session_version + 1))
    db.session.commit()

    watch(app, socket, realtime.watch_room("thing-changed", realtime.store_room(org.store.id)))

    assert not socket.is_connected()
