"""Socket.IO: who may connect, which rooms they join, "this changed" hints after commit, and cutting a
socket off when its access ends. HTML never travels over the socket; the page re-fetches its fragment
over HTTP.

Two kinds of room. A socket sits in its access rooms (person, store, district, company) from connect:
rare hints go there. Frequent hints (a board moves with every award) go to watch rooms instead,
"<event>@<room>", which a socket joins only while a page on screen shows that thing: the page names them
in data-live-watch and the client sends "watch" after every swap. Otherwise every award would reach every
open page of the company."""

from collections.abc import Callable
from functools import partial

import socketio as python_socketio
from flask import request
from flask_login import current_user
from flask_socketio import ConnectionRefusedError, disconnect, join_room, leave_room
from flask_socketio import rooms as joined_rooms

from app.extensions import db, socketio


def person_room(person_id: int) -> str:
    return f"person:{person_id}"


def screen_room(screen_id: int) -> str:
    return f"screen:{screen_id}"


def store_room(store_id: int) -> str:
    return f"store:{store_id}"


def district_room(district_id: int) -> str:
    return f"district:{district_id}"


COMPANY_ROOM = "company"


def watch_room(event: str, room: str) -> str:
    """The sockets that want `event` hints about `room` because a page on screen shows it."""
    return f"{event}@{room}"


MAX_WATCHED = 8  # rooms one socket may watch at once: a page shows a board or two, not hundreds

# Server-only: each process's client manager turns it into "disconnect my sockets in this room", so it
# travels the message queue like any emit (from a web process, a job or the CLI) and no client hears it.
CUT_ACCESS = "ascent:cut-access"


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
# The rooms must include a private one (screen:<id>) through which the socket is cut off.
_authenticators: list[Callable[[dict], list[str] | None]] = []

# A socket's access as taken at connect, asked again at every join: the rooms it may be in now, or None
# once that access has ended. Per process: a socket's events always reach the process that holds it.
AccessCheck = Callable[[], list[str] | None]
_access_by_sid: dict[str, AccessCheck] = {}
_watching_by_sid: dict[str, list[str]] = {}  # the watch rooms the page asked for last, checked at each join

# A feature may open watch rooms beyond the socket's access rooms to the people who may see the thing
# (a district manager watching one of their stores' boards): event -> rule(person, room) -> bool.
_watch_rules: dict[str, Callable[[object, str], bool]] = {}


# The signed-in person a session token ("<id>.<session version>") still names, or None: the login
# feature's loader, set by use_session_loader when it wires Flask-Login (core knows no person model).
_session_loader: dict[str, Callable[[str], object | None]] = {}


def register_socket_authenticator(authenticate: Callable[[dict], list[str] | None]) -> None:
    if authenticate not in _authenticators:
        _authenticators.append(authenticate)


def use_session_loader(load: Callable[[str], object | None]) -> None:
    _session_loader["load"] = load


def register_watch_rule(event: str, may_watch: Callable[[object, str], bool]) -> None:
    """Let a signed-in person watch `event@room` for a room outside their access rooms when
    may_watch(person, room) says so. Without a rule only the socket's own access rooms can be watched."""
    _watch_rules[event] = may_watch


def _person_rooms(session_token: str) -> list[str] | None:
    person = _session_loader["load"](session_token)
    return rooms_for(person) if person is not None else None


def _checks_for(auth) -> list[AccessCheck]:
    if current_user.is_authenticated:
        # The "<id>.<session version>" the socket's cookie carried at connect: a logout, password
        # change or deactivation since then makes it stale.
        return [partial(_person_rooms, current_user.get_id())]
    if not isinstance(auth, dict):
        return []
    return [partial(authenticate, auth) for authenticate in _authenticators]


def _may_watch(room: str, allowed: list[str]) -> bool:
    event, at, watched = room.partition("@") if len(room) <= 120 else ("", "", "")
    if not (event and at and watched) or "@" in watched:
        return False
    if watched in allowed:
        return True  # the socket hears that room's rare hints already: its frequent ones too
    rule = _watch_rules.get(event)
    return rule is not None and current_user.is_authenticated and rule(current_user._get_current_object(), watched)


def _settle(allowed: list[str]) -> set[str]:
    """Put the socket in `allowed` and in the watch rooms its page asked for that `allowed` still permits
    (each checked again: a person who moved store stops watching the old store's board), out of the rest.
    Returns the watch rooms it is in."""
    watched = {room for room in _watching_by_sid.get(request.sid, ()) if _may_watch(room, allowed)}
    wanted = set(allowed) | watched
    for room in set(joined_rooms()) - wanted - {request.sid}:
        leave_room(room)
    for room in wanted - set(joined_rooms()):
        join_room(room)
    return watched


def _admit(check: AccessCheck, allowed: list[str]) -> bool:
    """Put the socket in `allowed`, then ask again in a fresh transaction. Access cut between the first
    read and the join was announced before the socket sat in its private room, so it would not have
    heard it; the fresh read sees any such commit, and a later cut reaches the room it now sits in."""
    _settle(allowed)
    db.session.rollback()  # only reads so far: end them so the next query sees every commit
    fresh = check()
    if fresh is None:
        return False
    if fresh != allowed:
        _settle(fresh)
    return True


def _connect(auth=None):
    # Anonymous sockets are refused; rooms are chosen by the server, never asked for by the client.
    for check in _checks_for(auth):
        allowed = check()
        if allowed is not None:
            break
    else:
        raise ConnectionRefusedError("authentication required")
    if not _admit(check, allowed):
        raise ConnectionRefusedError("authentication required")
    _access_by_sid[request.sid] = check


def _rejoin(_data=None):
    """A client asking to be put back in its rooms (e.g. after its person moved store) gets the rooms its
    access allows now; if that access has ended (the socket's cookie names an old session version, the
    screen was revoked) the socket is disconnected instead."""
    check = _access_by_sid.get(request.sid)
    allowed = check() if check is not None else None
    if allowed is None or not _admit(check, allowed):
        disconnect()


def _watch(data=None):
    """The page on screen names the watch rooms it shows ({"rooms": [...]}, after every swap): the socket
    watches those it may, stops watching the others, and hears back which it watches. Access is asked
    again first, as at every join; if it has ended the socket is disconnected."""
    check = _access_by_sid.get(request.sid)
    allowed = check() if check is not None else None
    if allowed is None:
        disconnect()
        return None
    asked = data.get("rooms") if isinstance(data, dict) else None
    asked = [room for room in asked if isinstance(room, str)] if isinstance(asked, list) else []
    _watching_by_sid[request.sid] = list(dict.fromkeys(asked))[:MAX_WATCHED]
    return sorted(_settle(allowed))


def _disconnected(_reason=None):
    _access_by_sid.pop(request.sid, None)
    _watching_by_sid.pop(request.sid, None)


def register_socket_handlers() -> None:
    """Bind the handlers to the server that socketio.init_app has just made for this app. A decorator
    run at import binds only to the server that existed then: every later app (each test builds one)
    had no connect handler at all, so anonymous sockets were accepted and nobody joined a room."""
    socketio.on_event("connect", _connect)
    socketio.on_event("rejoin", _rejoin)
    socketio.on_event("watch", _watch)
    socketio.on_event("disconnect", _disconnected)


def notify(room: str, event: str, data: dict | None = None) -> None:
    """Send a small hint to a room. Call after the change has committed."""
    socketio.emit(event, data or {}, to=room)


# -- Cutting sockets off ----------------------------------------------------------------------------

def end_person_sockets(person_id: int) -> None:
    """After the commit that ended a person's sessions: tell their open tabs, then disconnect every socket
    of theirs on every process. app.auth.sessions calls it for every session-version bump."""
    _cut(person_room(person_id))


def end_screen_sockets(screen_id: int) -> None:
    """After the commit that revoked a TV screen's link: disconnect its sockets on every process."""
    _cut(screen_room(screen_id))


def _cut(room: str) -> None:
    # Both go through the message queue in this order, so every tab hears "session-ended" (and reloads
    # to the sign-in page) before its socket closes. Idempotent: a second cut finds nobody.
    socketio.emit("session-ended", {}, to=room)
    socketio.emit(CUT_ACCESS, {}, to=room)


def _disconnect_local(manager, room, namespace) -> None:
    # python-socketio knows only this process's room members; each process runs this for its own.
    for sid, _eio_sid in list(manager.get_participants(namespace or "/", room)):
        manager.server.disconnect(sid, namespace=namespace or "/", ignore_queue=True)


class _LocalManager(python_socketio.Manager):
    """One process, no message queue."""

    def emit(self, event, data, namespace, room=None, skip_sid=None, callback=None, to=None, **kwargs):
        if event == CUT_ACCESS:
            return _disconnect_local(self, to or room, namespace)
        return super().emit(event, data, namespace, room=room, skip_sid=skip_sid, callback=callback, to=to,
                            **kwargs)


class _QueueManager(python_socketio.RedisManager):
    """Several processes on Redis pub/sub. `_handle_emit` runs for this process's own emits and for every
    emit that arrives from the queue, so a cut published anywhere reaches every process's sockets.
    python-socketio has no room-wide disconnect; `disconnect(sid)` needs a sid, and sids are per process."""

    def _handle_emit(self, message):
        if message.get("event") == CUT_ACCESS:
            return _disconnect_local(self, message.get("room"), message.get("namespace"))
        return super()._handle_emit(message)


def client_manager(redis_url: str | None, channel: str):
    """The Socket.IO client manager for socketio.init_app (a fresh one per app)."""
    return _QueueManager(redis_url, channel=channel) if redis_url else _LocalManager()
