"""Live updates across processes: two real gunicorn servers sharing the database and the machine's Redis
as Socket.IO message queue. An award posted to the first reaches a browser-like Socket.IO client connected
to the second, within a second (as does one made by a script: the job worker's and the CLI's write-only
Socket.IO client); access ended on the first (or by a script) disconnects a socket held by the second."""

import os
import queue
import re
import subprocess
import sys
import threading
import time
import uuid

import pytest
import redis
import requests
import socketio

from app import PROJECT_ROOT
from app.api import tokens
from app.extensions import db
from bench.harness import cookie_header, gunicorn, signed_in_session
from tests import factories

REDIS_URL = "redis://127.0.0.1:6379/0"

pytestmark = pytest.mark.slow


@pytest.fixture
def redis_up():
    try:
        redis.Redis.from_url(REDIS_URL, socket_connect_timeout=1).ping()
    except redis.RedisError:
        pytest.skip("Redis is not running on 127.0.0.1:6379 (.ci/run starts it)")


@pytest.fixture
def server_environment(database_url, tmp_path) -> dict[str, str]:
    return {
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        # A channel of this test's own: another run on the same Redis must not hear these hints.
        "SOCKETIO_CHANNEL": f"ascent-test-{uuid.uuid4().hex[:8]}",
        "SECRET_KEY": "multi-process-test-secret",
        "ASCENT_INSTANCE_PATH": str(tmp_path),
        "JOBS_IMMEDIATE": "1",
        "LOGIN_RATE_LIMIT": "100 per minute",
    }


@pytest.fixture
def two_servers(app, server_environment, redis_up, tmp_path):
    with gunicorn(server_environment, threads=20, log=tmp_path / "first.log") as first, \
            gunicorn(server_environment, threads=20, log=tmp_path / "second.log") as second:
        yield first, second


def _listen(base_url: str, cookie: str, event: str, watch: str) -> tuple[socketio.Client, queue.Queue]:
    """A page showing the board of `watch` (an access room), as static/js/app.js connects it."""
    received: queue.Queue = queue.Queue()
    client = socketio.Client(reconnection=False)
    client.on(event, lambda data=None: received.put((time.monotonic(), data)))
    connected = threading.Event()
    client.on("connect", connected.set)
    client.connect(base_url, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=10)
    assert connected.wait(10)
    room = f"{event}@{watch}"
    assert client.call("watch", {"rooms": [room]}, timeout=10) == [room]
    return client, received


def test_an_award_on_one_process_reaches_a_socket_on_the_other_within_a_second(org, two_servers):
    first, second = two_servers
    token = tokens.create_token(None, "Till system", all_stores=True, store_ids=[]).secret
    watcher_email, awarded_number, store_id = org.colleague.email, org.staff.employee_number, org.store.id
    db.session.commit()
    db.session.close()  # the servers read what the test wrote: no transaction of ours may hold SQLite's lock

    # A colleague of the awarded associate watches the store board from the second process.
    watcher = signed_in_session(second, watcher_email, factories.DEFAULT_PASSWORD)
    client, received = _listen(second, cookie_header(watcher), "board-changed", f"store:{store_id}")
    try:
        time.sleep(0.3)  # the room join happens in the connect handler; let Redis subscriptions settle
        sent_at = time.monotonic()
        response = requests.post(f"{first}/api/v1/awards", json={
            "employee_number": awarded_number, "points": 15, "reason": "Upsell of the week",
            "source": "till"}, headers={"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex},
            timeout=10)
        assert response.status_code == 201, response.text
        arrived_at, data = received.get(timeout=1.0)
        assert arrived_at - sent_at < 1.0
        assert isinstance(data, dict)
    finally:
        client.disconnect()


AWARDS_FROM_A_SCRIPT = """
import sys
from app import create_app
from app.extensions import db
from app.org.models import Person
from app.points import ledger

with create_app().app_context():  # no server here: the board hint is published and the process exits
    ledger.award(db.session.get(Person, int(sys.argv[1])), 3, source_type="api", reason="Import",
                 idempotency_key=sys.argv[2])
    db.session.commit()
"""


def test_an_award_made_by_a_script_reaches_a_socket_on_a_server(org, two_servers, server_environment):
    _first, second = two_servers
    watcher_email, awarded_id, store_id = org.colleague.email, org.staff.id, org.store.id
    db.session.commit()
    db.session.close()

    watcher = signed_in_session(second, watcher_email, factories.DEFAULT_PASSWORD)
    client, received = _listen(second, cookie_header(watcher), "board-changed", f"store:{store_id}")
    try:
        time.sleep(0.3)
        environment = {**os.environ, **server_environment}
        result = subprocess.run([sys.executable, "-c", AWARDS_FROM_A_SCRIPT, str(awarded_id), uuid.uuid4().hex],
                                cwd=PROJECT_ROOT, env=environment, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr[-2000:]
        received.get(timeout=5)
    finally:
        client.disconnect()


def test_an_anonymous_socket_is_refused_by_a_real_server(two_servers):
    first, _second = two_servers
    client = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(first, transports=["websocket"], wait_timeout=5)


# -- Sockets outlive access (item 8): a cut made anywhere reaches the process holding the socket -------

_CSRF_FIELD = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def _csrf(session: requests.Session, page_url: str) -> str:
    found = _CSRF_FIELD.search(session.get(page_url, timeout=10).text)
    assert found, f"no CSRF token on {page_url}"
    return found.group(1)


def _watch(base_url: str, **connect) -> tuple[socketio.Client, threading.Event, queue.Queue]:
    """A socket on `base_url` that records every event it hears and sets an event when the server cuts it."""
    received: queue.Queue = queue.Queue()
    cut = threading.Event()
    client = socketio.Client(reconnection=False)
    client.on("*", lambda event, data=None: received.put(event))
    client.on("disconnect", lambda *_reason: cut.set())
    client.connect(base_url, transports=["websocket"], wait_timeout=10, **connect)
    assert client.connected
    time.sleep(0.3)  # let the other process's Redis subscription settle, as above
    return client, cut, received


def _heard(received: queue.Queue) -> list[str]:
    events = []
    while not received.empty():
        events.append(received.get_nowait())
    return events


def test_sockets_outlive_access_logout_on_one_process_disconnects_a_socket_on_the_other(org, two_servers):
    first, second = two_servers
    email = org.staff.email
    db.session.commit()
    db.session.close()

    browser = signed_in_session(second, email, factories.DEFAULT_PASSWORD)
    client, cut, received = _watch(second, headers={"Cookie": cookie_header(browser)})
    try:
        # The same browser signs out through the other process.
        response = requests.post(f"{first}/logout", data={"csrf_token": _csrf(browser, f"{first}/me/password")},
                                 headers={"Cookie": cookie_header(browser)}, allow_redirects=False, timeout=10)
        assert response.status_code == 303, response.text
        assert cut.wait(5), "the socket on the other process stayed connected"
        assert "session-ended" in _heard(received)
    finally:
        client.disconnect()


def test_sockets_outlive_access_revoking_a_screen_on_one_process_disconnects_it_on_the_other(org, two_servers):
    from app.screens import services as screens

    first, second = two_servers
    created = screens.create_screen(org.sm, org.store.id, "Back office TV")
    screen_id, token, manager_email = created.screen.id, created.token, org.sm.email
    db.session.commit()
    db.session.close()

    client, cut, _received = _watch(second, auth={"screen": token})
    try:
        manager = signed_in_session(first, manager_email, factories.DEFAULT_PASSWORD)
        response = manager.post(f"{first}/tv/screens/{screen_id}/revoke",
                                data={"csrf_token": _csrf(manager, f"{first}/tv/screens")},
                                allow_redirects=False, timeout=10)
        assert response.status_code == 303, response.text
        assert cut.wait(5), "the revoked screen's socket on the other process stayed connected"
    finally:
        client.disconnect()


ENDS_SESSIONS_FROM_A_SCRIPT = """
import sys
from app import create_app
from app.auth.services import end_all_sessions
from app.extensions import db
from app.org.models import Person

with create_app().app_context():  # no server in this process: its Socket.IO client only publishes
    end_all_sessions(db.session.get(Person, int(sys.argv[1])))
    db.session.commit()
"""


def test_sockets_outlive_access_a_job_or_cli_process_disconnects_a_socket_on_a_server(org, two_servers,
                                                                                     server_environment):
    _first, second = two_servers
    person_id, email = org.staff.id, org.staff.email
    db.session.commit()
    db.session.close()

    browser = signed_in_session(second, email, factories.DEFAULT_PASSWORD)
    client, cut, _received = _watch(second, headers={"Cookie": cookie_header(browser)})
    try:
        environment = {**os.environ, **server_environment}
        result = subprocess.run([sys.executable, "-c", ENDS_SESSIONS_FROM_A_SCRIPT, str(person_id)],
                                cwd=PROJECT_ROOT, env=environment, capture_output=True, text=True, timeout=120)
        assert result.returncode == 0, result.stderr[-2000:]
        assert cut.wait(5), "the socket stayed connected after a script ended the person's sessions"
    finally:
        client.disconnect()
