"""Live boards over Socket.IO: a page showing a board hears "board-changed" once an award commits (never
before, never on rollback), and only the pages showing that board do; watching a board is checked against
who may open it; bursts are coalesced per board by the emitter thread, off the award's request thread;
the overtaken get their toast hint."""

import threading
import time
from datetime import datetime

import pytest

from app.core.realtime import COMPANY_ROOM, district_room, store_room, watch_room
from app.extensions import db, socketio
from app.leaderboards import live
from app.points import ledger
from tests.leaderboards.conftest import award

NOW = datetime(2026, 12, 2, 10, 0)


def open_socket(app, client):
    with app.app_context():
        return socketio.test_client(app, flask_test_client=client)


def board(room: str) -> str:
    return watch_room(live.EVENT, room)


def watch(app, socket, *rooms: str) -> list[str]:
    """What the board page's script does after each swap; returns the rooms the server let it watch."""
    with app.app_context():
        return socket.emit("watch", {"rooms": list(rooms)}, callback=True)


def received(socket, name: str, within: float = 0.0) -> list[dict]:
    """Events called `name` received so far, waiting up to `within` seconds for the first."""
    deadline = time.monotonic() + within
    found: list[dict] = []
    while True:
        found += [event for event in socket.get_received() if event["name"] == name]
        if found or time.monotonic() >= deadline:
            return found
        time.sleep(0.02)


@pytest.fixture
def signed_in_socket(app, client, sign_in, org):
    """Sara's phone on her store's board."""
    sign_in(org.staff)
    socket = open_socket(app, client)
    assert socket.is_connected()
    assert watch(app, socket, board(store_room(org.store.id))) == [board(store_room(org.store.id))]
    socket.get_received()
    yield socket
    socket.disconnect()


@pytest.fixture
def recorded(monkeypatch):
    """The emitter's sends, as (room, when) in the order they left."""
    sent: list[tuple[str, float]] = []
    monkeypatch.setattr(live, "notify", lambda room, event, data=None: sent.append((room, time.monotonic())))
    return sent


def wait_for(condition, within: float = 2.0) -> bool:
    deadline = time.monotonic() + within
    while not condition():
        if time.monotonic() >= deadline:
            return False
        time.sleep(0.01)
    return True


def test_a_signed_in_page_hears_board_changed_after_the_award_commits(org, signed_in_socket, clock):
    clock.set(NOW)
    ledger.award(org.colleague, 5, source_type="api", reason="Sale", idempotency_key="live:1")
    db.session.flush()
    assert received(signed_in_socket, "board-changed", within=0.3) == []  # not before commit
    db.session.commit()
    assert received(signed_in_socket, "board-changed", within=1.0)


def test_a_rolled_back_award_says_nothing(org, signed_in_socket, clock):
    clock.set(NOW)
    ledger.award(org.colleague, 5, source_type="api", reason="Sale", idempotency_key="live:2")
    db.session.rollback()
    assert received(signed_in_socket, "board-changed", within=0.5) == []


def test_an_unauthenticated_socket_is_refused(app):
    socket = open_socket(app, app.test_client())
    assert not socket.is_connected()


def test_only_pages_showing_a_board_hear_its_hints(app, org, sign_in, signed_in_socket, clock):
    elsewhere = open_socket(app, sign_in(org.colleague, app.test_client()))  # on another page: watches nothing
    other_board = open_socket(app, sign_in(org.sibling_staff, app.test_client()))
    assert watch(app, other_board, board(store_room(org.sibling_store.id)))
    elsewhere.get_received()
    other_board.get_received()
    clock.set(NOW)

    award(org.colleague, 5)

    assert received(signed_in_socket, "board-changed", within=1.0)
    assert received(elsewhere, "board-changed", within=0.3) == []  # though it sits in the store's room
    assert received(other_board, "board-changed") == []  # same district, another store's board
    elsewhere.disconnect()
    other_board.disconnect()


def test_a_person_may_watch_their_own_boards_and_no_other_stores(app, org, signed_in_socket):
    own = [board(COMPANY_ROOM), board(district_room(org.district.id)), board(store_room(org.store.id))]
    refused = [board(store_room(org.sibling_store.id)), board(store_room(org.other_store.id)),
               board(district_room(org.other_district.id))]

    assert watch(app, signed_in_socket, *own, *refused) == sorted(own)

    live.board_changed([store_room(org.other_store.id)], interval=0.3)
    live.board_changed([store_room(org.sibling_store.id)], interval=0.3)
    assert received(signed_in_socket, "board-changed", within=0.3) == []


def test_a_district_manager_may_watch_their_stores_boards_not_another_districts(app, client, sign_in, org):
    socket = open_socket(app, sign_in(org.dm))
    mine, theirs = board(store_room(org.sibling_store.id)), board(store_room(org.other_store.id))

    assert watch(app, socket, mine, theirs) == [mine]  # as the board itself: /board/?scope=store&id=…
    live.board_changed([store_room(org.sibling_store.id), store_room(org.other_store.id)], interval=0.3)
    assert len(received(socket, "board-changed", within=1.0)) == 1
    socket.disconnect()


def test_malformed_watch_requests_watch_nothing(app, signed_in_socket):
    for asked in (None, "store:1", {"rooms": "board-changed@company"}, {"rooms": [1, None, {}]},
                  {"rooms": ["company", "board-changed@", "@company", "board-changed@x@company", "x" * 500]}):
        with app.app_context():
            assert signed_in_socket.emit("watch", asked, callback=True) == []
    assert signed_in_socket.is_connected()


def test_switching_board_switches_the_hints(app, org, signed_in_socket):
    store_board, company_board = board(store_room(org.store.id)), board(COMPANY_ROOM)

    assert watch(app, signed_in_socket, company_board) == [company_board]  # the person taps "Company"
    live.board_changed([store_room(org.store.id)], interval=0.3)
    assert received(signed_in_socket, "board-changed", within=0.3) == []
    live.board_changed([COMPANY_ROOM], interval=0.3)
    assert len(received(signed_in_socket, "board-changed", within=1.0)) == 1

    assert watch(app, signed_in_socket, store_board) == [store_board]  # and back
    live.board_changed([COMPANY_ROOM], interval=0.3)
    assert received(signed_in_socket, "board-changed", within=0.5) == []
    live.board_changed([store_room(org.store.id)], interval=0.3)
    assert len(received(signed_in_socket, "board-changed", within=1.0)) == 1


def test_a_burst_is_coalesced_into_at_most_one_hint_per_interval(org, signed_in_socket):
    for _ in range(8):  # eight commits in quick succession, as eight tills would
        live.board_changed([store_room(org.store.id)], interval=0.3)
    assert len(received(signed_in_socket, "board-changed", within=1.0)) == 1  # the first at once
    assert len(received(signed_in_socket, "board-changed", within=1.0)) == 1  # the rest, folded into one
    assert received(signed_in_socket, "board-changed", within=0.5) == []


def test_under_a_long_burst_each_room_hears_one_hint_per_interval_and_the_last_change(app, recorded):
    interval = 0.2
    stop = time.monotonic() + 1.0
    last_change = 0.0
    while time.monotonic() < stop:  # a change every 10 ms for a second, on two boards
        live.board_changed(["store:1", "company"], interval=interval)
        last_change = time.monotonic()
        time.sleep(0.01)

    assert wait_for(lambda: any(room == board("store:1") and when > last_change for room, when in recorded),
                    within=interval * 3), "the last change was never announced"
    for room in (board("store:1"), board("company")):  # a hundred changes each
        assert 2 <= len([sent for sent, _when in recorded if sent == room]) <= 1.0 / interval + 2


def test_the_award_never_waits_for_the_sends(app, monkeypatch):
    """A slow send (a thousand sockets, a stalled Redis) holds the emitter, not the request that awarded."""
    sending, release, sent = threading.Event(), threading.Event(), threading.Event()

    def slow_notify(room, event, data=None):
        sending.set()
        release.wait(10)
        sent.set()

    monkeypatch.setattr(live, "notify", slow_notify)
    try:
        live.board_changed(["store:1", "company"], interval=0.3)
        assert sending.wait(2)
        for _ in range(100):
            live.board_changed(["store:1", "company"], interval=0.3)
        assert not sent.is_set()  # every call returned while the first send was still under way
    finally:
        release.set()


def test_reset_drops_what_waits(app, recorded):
    live.board_changed(["store:1"], interval=0.3)
    live.board_changed(["store:1"], interval=0.3)  # folded: due in 0.3 s
    assert wait_for(lambda: len(recorded) == 1)
    live.reset()
    time.sleep(0.5)
    assert [room for room, _when in recorded] == [board("store:1")]
    live.board_changed(["store:1"], interval=0.3)  # nothing remembered: goes at once
    assert wait_for(lambda: len(recorded) == 2, within=0.2)


def test_the_interval_comes_from_the_config(app, org, signed_in_socket, clock):
    app.config["LEADERBOARD_LIVE_INTERVAL"] = 5.0
    clock.set(NOW)
    award(org.colleague, 1)
    award(org.colleague, 1)
    assert len(received(signed_in_socket, "board-changed", within=0.5)) == 1
    assert received(signed_in_socket, "board-changed", within=0.5) == []  # the second waits its turn


def test_coalescing_keeps_rooms_apart(app, recorded):
    live.board_changed(["store:1", "store:2"], interval=0.2)
    live.board_changed(["store:1"], interval=0.2)
    live.board_changed(["store:1"], interval=0.2)
    assert wait_for(lambda: len(recorded) >= 2)
    assert [room for room, _when in recorded] == [board("store:1"), board("store:2")]
    assert wait_for(lambda: len(recorded) >= 3, within=0.6)
    time.sleep(0.3)
    assert [room for room, _when in recorded] == [board("store:1"), board("store:2"), board("store:1")]


def test_the_overtaken_hear_it_by_name(app, client, sign_in, org, signed_in_socket, clock):
    clock.set(NOW)
    award(org.staff, 10)
    signed_in_socket.get_received()
    award(org.colleague, 11)
    events = received(signed_in_socket, "overtaken", within=1.0)
    assert len(events) == 1
    payload = events[0]["args"][0]
    assert payload["name"] == "Cosimo C." and payload["gap"] == 2
    assert "Cosimo C. just passed you" in payload["message"]
