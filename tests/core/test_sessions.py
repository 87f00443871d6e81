"""Sessions end for real at logout, for HTTP and for the Socket.IO connection."""

import subprocess
import sys
from urllib.parse import urlsplit

from app import PROJECT_ROOT
from app.core import realtime
from app.extensions import socketio


def copy_cookie(app, source, name: str):
    """A second device holding a copy of `source`'s cookie (what a thief or a shared PC would have)."""
    cookie = source.get_cookie(name, domain="ascent.test")
    assert cookie is not None, f"no {name} cookie to copy"
    device = app.test_client()
    device.set_cookie(name, cookie.value, domain="ascent.test")
    return device


def is_sent_to_login(response) -> bool:
    return response.status_code in (302, 303) and urlsplit(response.headers["Location"]).path == "/login"


def open_socket(app, client):
    """A Socket.IO connection carrying `client`'s cookies, handled in its own app context as the real
    server would (see tests/core/conftest.py)."""
    with app.app_context():
        return socketio.test_client(app, flask_test_client=client)


def event_names(socket) -> list[str]:
    return [event["name"] for event in socket.get_received()]


def test_session_cookie_captured_before_logout_is_refused_after(app, client, auth, org):
    auth.login(org.staff)
    copy = copy_cookie(app, client, app.config["SESSION_COOKIE_NAME"])
    assert copy.get("/home").status_code == 200  # the copy works while the session lasts

    assert is_sent_to_login(auth.logout())
    assert is_sent_to_login(copy.get("/home"))
    assert is_sent_to_login(client.get("/home"))


def test_remember_cookie_captured_before_logout_is_refused_after(app, client, auth, org):
    auth.login(org.staff, remember=True)
    copy = copy_cookie(app, client, app.config["REMEMBER_COOKIE_NAME"])
    assert copy.get("/home").status_code == 200  # the remember-me cookie alone signs in

    auth.logout()
    late_copy = copy_cookie(app, copy, app.config["REMEMBER_COOKIE_NAME"])
    assert is_sent_to_login(late_copy.get("/home"))


def test_an_anonymous_socket_is_refused(app, client, org):
    socket = open_socket(app, client)
    assert not socket.is_connected()


def test_a_signed_in_socket_is_accepted(app, client, auth, org):
    auth.login(org.staff)
    socket = open_socket(app, client)
    assert socket.is_connected()
    socket.disconnect()


def test_a_socket_hears_only_its_own_rooms(app, auth, org):
    """Rooms are chosen by the server from the person: hints for another store never arrive."""
    sockets = {}
    for person in (org.staff, org.other_staff):
        device = app.test_client()
        assert device.post("/login", data={"identifier": person.email or person.employee_number,
                                           "password": "correct horse battery"}).status_code == 303
        sockets[person.id] = open_socket(app, device)
        assert sockets[person.id].is_connected()
        sockets[person.id].get_received()  # drop anything sent on connect

    realtime.notify(realtime.store_room(org.store.id), "board-changed")
    realtime.notify(realtime.person_room(org.staff.id), "points-changed")
    realtime.notify(realtime.district_room(org.other_district.id), "district-changed")

    assert event_names(sockets[org.staff.id]) == ["board-changed", "points-changed"]
    assert event_names(sockets[org.other_staff.id]) == ["district-changed"]


def test_logout_ends_the_open_socket(app, auth, org):
    staff_device, colleague_device = app.test_client(), app.test_client()
    for device, person in ((staff_device, org.staff), (colleague_device, org.colleague)):
        assert device.post("/login", data={"identifier": person.email or person.employee_number,
                                           "password": "correct horse battery"}).status_code == 303
    staff_socket = open_socket(app, staff_device)
    colleague_socket = open_socket(app, colleague_device)
    assert staff_socket.is_connected() and colleague_socket.is_connected()
    staff_socket.get_received()
    colleague_socket.get_received()

    assert is_sent_to_login(staff_device.post("/logout"))

    # Told, then disconnected (tests/core/test_sockets_outlive_access.py has the details).
    assert [event["name"] for event in staff_socket.queue] == ["session-ended"]
    assert not staff_socket.is_connected()
    assert "session-ended" not in event_names(colleague_socket)  # only the person who signed out
    assert colleague_socket.is_connected()


def test_a_cookie_captured_before_logout_cannot_open_a_socket(app, client, auth, org):
    auth.login(org.staff)
    copy = copy_cookie(app, client, app.config["SESSION_COOKIE_NAME"])
    socket = open_socket(app, copy)
    assert socket.is_connected()
    socket.disconnect()

    auth.logout()
    assert not open_socket(app, copy).is_connected()


REFUSED_IN_EVERY_APP = """
import tempfile
from pathlib import Path
from app import create_app
from app.extensions import socketio
from tests.conftest import _test_config

for attempt in range(2):  # the first app of a process, then a second one (as with gunicorn --reload, tests)
    app = create_app(_test_config("sqlite://", Path(tempfile.mkdtemp())))
    socket = socketio.test_client(app)
    assert not socket.is_connected(), f"app {attempt + 1} accepted an anonymous socket"
print("refused")
"""


def test_every_app_in_a_process_refuses_anonymous_sockets():
    """In a fresh interpreter, where nothing has imported app.core.realtime before the first app: the
    connect handler must be bound to every app's Socket.IO server, not only to the first one."""
    result = subprocess.run([sys.executable, "-W", "error", "-c", REFUSED_IN_EVERY_APP],
                            cwd=PROJECT_ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "refused"
