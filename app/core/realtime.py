"""Socket.IO: who may connect, which rooms they join, and "this changed" hints after commit.
HTML never travels over the socket; the page re-fetches its fragment over HTTP."""

from collections.abc import Callable

from flask_login import current_user
from flask_socketio import ConnectionRefusedError, join_room

from app.extensions import socketio


def person_room(person_id: int) -> str:
    return f"person:{person_id}"


def store_room(store_id: int) -> str:
    return f"store:{store_id}"


def district_room(district_id: int) -> str:
    return f"district:{district_id}"


COMPANY_ROOM = "company"


def rooms_for(person) -> list[str]:
    rooms = [person_room(person.id), COMPANY_ROOM]
    if person.store_id:
        rooms.append(store_room(person.store_id))
        if person.store is not None:
            rooms.append(district_room(person.store.district_id))
    if person.district_id:
        rooms.append(district_room(person.district_id))
    return sorted(set(rooms))


# Sockets that authenticate with something other than a session (a TV screen's token): each function
# takes the client's `auth` payload and returns the rooms it may join, or None when it doesn't apply.
_authenticators: list[Callable[[dict], list[str] | None]] = []


def register_socket_authenticator(authenticate: Callable[[dict], list[str] | None]) -> None:
    if authenticate not in _authenticators:
        _authenticators.append(authenticate)


def _connect(auth=None):
    # Anonymous sockets are refused; rooms are chosen by the server, never asked for by the client.
    if current_user.is_authenticated:
        rooms = rooms_for(current_user)
    else:
        rooms = next((found for authenticate in _authenticators
                      if isinstance(auth, dict) and (found := authenticate(auth)) is not None), None)
        if rooms is None:
            raise ConnectionRefusedError("authentication required")
    for room in rooms:
        join_room(room)


def register_socket_handlers() -> None:
    """Bind the handlers to the server that socketio.init_app has just made for this app. A decorator
    run at import binds only to the server that existed then: every later app (each test builds one)
    had no connect handler at all, so anonymous sockets were accepted and nobody joined a room."""
    socketio.on_event("connect", _connect)


def notify(room: str, event: str, data: dict | None = None) -> None:
    """Send a small hint to a room. Call after the change has committed."""
    socketio.emit(event, data or {}, to=room)


def end_person_sockets(person_id: int) -> None:
    """At logout: tell the person's open tabs (on every worker) and stop sending them hints."""
    room = person_room(person_id)
    socketio.emit("session-ended", {}, to=room)
    socketio.close_room(room)
