"""Sockets outlive access (item 8): whatever ends a person's sessions ends their open sockets, once it
has committed, and a socket asking to (re)join its rooms is checked against the database again.

Each socket event runs in its own app context, as on the real server (see tests/core/conftest.py)."""

import sqlalchemy as sa

from app.auth import services as auth_services
from app.core import realtime
from app.extensions import db, socketio
from app.org import services as org_services
from app.org.models import Person
from tests import factories


def signed_in_device(app, person):
    device = app.test_client()
    response = device.post("/login", data={"identifier": person.email or person.employee_number,
                                           "password": factories.DEFAULT_PASSWORD})
    assert response.status_code == 303
    return device


def open_socket(app, device):
    with app.app_context():
        socket = socketio.test_client(app, flask_test_client=device)
    assert socket.is_connected()
    socket.get_received()  # drop anything sent on connect
    return socket


def rejoin(app, socket) -> None:
    with app.app_context():
        socket.emit("rejoin")


def names(socket) -> list[str]:
    """Events the socket received since last asked. Read from the test client's queue: `get_received`
    refuses once the socket is disconnected, which is exactly when it matters that nothing arrived."""
    received, socket.queue[:] = [event["name"] for event in socket.queue], []
    return received


def board_changed(store_id: int) -> None:
    realtime.notify(realtime.store_room(store_id), "board-changed")


def assert_cut_off(socket, store_id: int) -> None:
    assert not socket.is_connected()
    board_changed(store_id)
    assert "board-changed" not in names(socket)


def test_sockets_outlive_access_logout_disconnects_every_socket_of_the_person(app, org):
    phone, tablet = signed_in_device(app, org.staff), signed_in_device(app, org.staff)
    colleague = signed_in_device(app, org.colleague)
    phone_socket, tablet_socket = open_socket(app, phone), open_socket(app, tablet)
    colleague_socket = open_socket(app, colleague)

    assert phone.post("/logout").status_code == 303

    # The tab is told first (it reloads to the sign-in page), then its socket closes.
    assert names(phone_socket) == ["session-ended"]
    assert_cut_off(phone_socket, org.store.id)
    assert_cut_off(tablet_socket, org.store.id)  # a session on another device ended too
    assert colleague_socket.is_connected()  # only the person who signed out
    assert "session-ended" not in names(colleague_socket)
    board_changed(org.store.id)
    assert names(colleague_socket) == ["board-changed"]


def test_sockets_outlive_access_deactivation_disconnects_the_person(app, org):
    socket = open_socket(app, signed_in_device(app, org.staff))

    org_services.set_active(org.hr, org.staff, False)
    db.session.commit()

    assert_cut_off(socket, org.store.id)


def test_sockets_outlive_access_password_change_disconnects_the_other_devices(app, org):
    phone, laptop = signed_in_device(app, org.staff), signed_in_device(app, org.staff)
    phone_socket = open_socket(app, phone)

    response = laptop.post("/me/password", data={"current_password": factories.DEFAULT_PASSWORD,
                                                 "password": "a brand new passphrase 42",
                                                 "confirm": "a brand new passphrase 42"})
    assert response.status_code == 303

    assert_cut_off(phone_socket, org.store.id)
    # The device that changed it carries on with its fresh session, sockets included.
    assert open_socket(app, laptop).is_connected()


def test_sockets_outlive_access_any_session_version_bump_disconnects(app, org):
    """The hook sits on the session version itself: a caller that is not logout, password change or
    deactivation (an invite redeemed, anything added later) is covered too."""
    socket = open_socket(app, signed_in_device(app, org.staff))

    db.session.get(Person, org.staff.id).session_version += 1
    db.session.commit()

    assert_cut_off(socket, org.store.id)


def test_sockets_outlive_access_nothing_is_cut_before_commit_or_after_rollback(app, org):
    socket = open_socket(app, signed_in_device(app, org.staff))

    auth_services.end_all_sessions(db.session.get(Person, org.staff.id))
    db.session.flush()
    assert socket.is_connected()  # not before commit
    db.session.rollback()

    assert socket.is_connected()
    board_changed(org.store.id)
    assert names(socket) == ["board-changed"]


def test_sockets_outlive_access_a_rejoin_with_a_stale_session_is_refused(app, org):
    """A cut can be lost (Redis down at that moment): the next join asks the database again. A bulk
    UPDATE stands in for the lost cut, as it bypasses the ORM hook."""
    socket = open_socket(app, signed_in_device(app, org.staff))
    db.session.execute(sa.update(Person).where(Person.id == org.staff.id)
                       .values(session_version=Person.session_version + 1))
    db.session.commit()
    assert socket.is_connected()

    rejoin(app, socket)

    assert_cut_off(socket, org.store.id)


def test_sockets_outlive_access_a_rejoin_follows_the_person_to_their_new_store(app, org):
    socket = open_socket(app, signed_in_device(app, org.staff))
    db.session.get(Person, org.staff.id).store_id = org.other_store.id
    db.session.commit()

    rejoin(app, socket)

    assert socket.is_connected()
    realtime.notify(realtime.store_room(org.store.id), "old-store-changed")
    realtime.notify(realtime.store_room(org.other_store.id), "new-store-changed")
    realtime.notify(realtime.person_room(org.staff.id), "points-changed")
    assert names(socket) == ["new-store-changed", "points-changed"]


def test_sockets_outlive_access_a_connect_racing_a_cut_is_refused(app, org, monkeypatch):
    """Access read as valid, then ended (and announced) before the socket sat in its rooms: the second
    look, taken after joining, refuses it."""
    original, looks = realtime._person_rooms, []

    def ended_after_the_first_look(token):
        looks.append(token)
        return original(token) if len(looks) == 1 else None

    monkeypatch.setattr(realtime, "_person_rooms", ended_after_the_first_look)
    device = signed_in_device(app, org.staff)
    with app.app_context():
        socket = socketio.test_client(app, flask_test_client=device)

    assert len(looks) == 2
    assert not socket.is_connected()
    assert not list(socketio.server.manager.get_participants("/", realtime.person_room(org.staff.id)))
