"""Live boards over Socket.IO: a signed-in page hears "board-changed" once an award commits (never
before, never on rollback), bursts are coalesced per room, and the overtaken get their toast hint."""

import time
from datetime import datetime

import pytest

from app.core.realtime import store_room
from app.extensions import db, socketio
from app.leaderboards import live
from app.points import ledger
from tests.leaderboards.conftest import award

NOW = datetime(2026, 12, 2, 10, 0)


def open_socket(app, client):
    with app.app_context():
        return socketio.test_client(app, flask_test_client=client)


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
    sign_in(org.staff)
    socket = open_socket(app, client)
    assert socket.is_connected()
    socket.get_received()
    yield socket
    socket.disconnect()


def test_a_signed_in_page_hears_board_changed_after_the_award_commits(org, signed_in_socket, clock):
    clock.set(NOW)
    ledger.award(org.colleague, 5, source_type="api", reason="Sale", idempotency_key="live:1")
    db.session.flush()
    assert received(signed_in_socket, "board-changed") == []  # not before commit
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


def test_a_burst_is_coalesced_into_at_most_one_hint_per_interval(org, signed_in_socket):
    started = time.monotonic()
    for _ in range(8):  # eight commits in quick succession, as eight tills would
        live.board_changed([store_room(org.store.id)], interval=0.3)
    assert len(received(signed_in_socket, "board-changed")) == 1  # the first at once
    assert len(received(signed_in_socket, "board-changed", within=1.0)) == 1  # the rest, folded into one
    assert time.monotonic() - started < 1.0
    assert received(signed_in_socket, "board-changed", within=0.5) == []


def test_the_interval_comes_from_the_config(app, org, signed_in_socket, clock):
    app.config["LEADERBOARD_LIVE_INTERVAL"] = 5.0
    clock.set(NOW)
    award(org.colleague, 1)
    award(org.colleague, 1)
    assert len(received(signed_in_socket, "board-changed", within=0.5)) == 3  # store, district, company
    assert received(signed_in_socket, "board-changed", within=0.3) == []  # the second waits its turn


def test_coalescing_keeps_rooms_apart(app):
    sent: list[str] = []
    original = live.notify
    live.notify = lambda room, event, data=None: sent.append(room)
    try:
        live.board_changed(["store:1", "store:2"], interval=0.2)
        live.board_changed(["store:1"], interval=0.2)
        live.board_changed(["store:1"], interval=0.2)
        assert sent == ["store:1", "store:2"]
        time.sleep(0.4)
        assert sent == ["store:1", "store:2", "store:1"]
    finally:
        live.notify = original


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
