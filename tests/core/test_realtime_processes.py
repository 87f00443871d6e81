"""Live updates across processes: two real gunicorn servers sharing the database and the machine's Redis
as Socket.IO message queue. An award posted to the first reaches a browser-like Socket.IO client connected
to the second, within a second."""

import queue
import threading
import time
import uuid

import pytest
import redis
import requests
import socketio

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
def two_servers(app, database_url, redis_up, tmp_path):
    environment = {
        "DATABASE_URL": database_url,
        "REDIS_URL": REDIS_URL,
        # A channel of this test's own: another run on the same Redis must not hear these hints.
        "SOCKETIO_CHANNEL": f"ascent-test-{uuid.uuid4().hex[:8]}",
        "SECRET_KEY": "multi-process-test-secret",
        "ASCENT_INSTANCE_PATH": str(tmp_path),
        "JOBS_IMMEDIATE": "1",
        "LOGIN_RATE_LIMIT": "100 per minute",
    }
    with gunicorn(environment, threads=20, log=tmp_path / "first.log") as first, \
            gunicorn(environment, threads=20, log=tmp_path / "second.log") as second:
        yield first, second


def _listen(base_url: str, cookie: str, event: str) -> tuple[socketio.Client, queue.Queue]:
    received: queue.Queue = queue.Queue()
    client = socketio.Client(reconnection=False)
    client.on(event, lambda data=None: received.put((time.monotonic(), data)))
    connected = threading.Event()
    client.on("connect", connected.set)
    client.connect(base_url, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=10)
    assert connected.wait(10)
    return client, received


def test_an_award_on_one_process_reaches_a_socket_on_the_other_within_a_second(org, two_servers):
    first, second = two_servers
    token = tokens.create_token(None, "Till system", all_stores=True, store_ids=[]).secret
    watcher_email, awarded_number = org.colleague.email, org.staff.employee_number
    db.session.commit()
    db.session.close()  # the servers read what the test wrote: no transaction of ours may hold SQLite's lock

    # A colleague of the awarded associate watches the store board from the second process.
    watcher = signed_in_session(second, watcher_email, factories.DEFAULT_PASSWORD)
    client, received = _listen(second, cookie_header(watcher), "board-changed")
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


def test_an_anonymous_socket_is_refused_by_a_real_server(two_servers):
    first, _second = two_servers
    client = socketio.Client(reconnection=False)
    with pytest.raises(socketio.exceptions.ConnectionError):
        client.connect(first, transports=["websocket"], wait_timeout=5)
