"""Redis stopped mid-run (issue 8): a real gunicorn with Redis behind its three users — the Socket.IO
message queue, the rate limiter's storage and the job queue — keeps serving pages, sign-ins and awards
while Redis is down (live updates degrade, nothing answers 500), and live updates and shared rate limits
come back once Redis returns.

The Redis here is a private redis-server on a free port, started and stopped by the test: the machine's
Redis on 6379 is shared with other runs and is never touched."""

import queue
import shutil
import subprocess
import threading
import time
import uuid

import pytest
import redis
import requests
import socketio

from app.api import tokens
from app.extensions import db
from app.kpis.measurements import store_today
from bench.harness import cookie_header, free_port, gunicorn, signed_in_session
from tests import factories

pytestmark = [pytest.mark.slow,
              pytest.mark.skipif(shutil.which("redis-server") is None, reason="redis-server is not installed")]

PAGES = ("/home", "/board/", "/points")


class PrivateRedis:
    """A throwaway redis-server: no persistence, loopback only, stopped and started on the same port."""

    def __init__(self, port: int, folder):
        self.port, self.folder = port, folder
        self.url = f"redis://127.0.0.1:{port}/0"
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            ["redis-server", "--port", str(self.port), "--save", "", "--appendonly", "no", "--bind", "127.0.0.1",
             "--dir", str(self.folder)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis.from_url(self.url, socket_connect_timeout=0.5)
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                return
            except redis.RedisError:
                if time.monotonic() > deadline or self.process.poll() is not None:
                    raise RuntimeError(f"the private redis-server on {self.port} did not start") from None
                time.sleep(0.05)
            finally:
                client.close()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.kill()  # an outage, not a tidy shutdown
            self.process.wait(timeout=10)
        self.process = None

    def keys(self, pattern: str) -> list[bytes]:
        client = redis.Redis.from_url(self.url, socket_connect_timeout=1)
        try:
            return client.keys(pattern)
        finally:
            client.close()


@pytest.fixture
def private_redis(tmp_path):
    server = PrivateRedis(free_port(), tmp_path)
    server.start()
    yield server
    server.stop()


@pytest.fixture
def seeded(app, org, kpi_library):
    token = tokens.create_token(None, "Till system", all_stores=True, store_ids=[]).secret
    seed = {"token": token, "watcher": org.colleague.email, "second_watcher": org.sm.email,
            "awarded": org.staff.employee_number, "store": org.store.code, "store_id": org.store.id,
            "today": store_today(org.store).isoformat()}
    db.session.commit()
    db.session.close()  # the server reads what the test wrote: no transaction of ours may hold SQLite's lock
    return seed


@pytest.fixture
def server(seeded, database_url, private_redis, tmp_path):
    environment = {
        "DATABASE_URL": database_url,
        # As production: one REDIS_URL switches on the Socket.IO message queue, the rate limiter's shared
        # storage and the job queue (JOBS_IMMEDIATE unset, so jobs are queued in Redis, not run inline).
        "REDIS_URL": private_redis.url,
        "SOCKETIO_CHANNEL": f"ascent-test-{uuid.uuid4().hex[:8]}",
        "JOBS_NAME": f"ascent-test-{uuid.uuid4().hex[:8]}",
        "SECRET_KEY": "redis-outage-test-secret",
        "ASCENT_INSTANCE_PATH": str(tmp_path / "instance"),
        "LOGIN_RATE_LIMIT": "100 per minute",
    }
    log = tmp_path / "gunicorn.log"
    with gunicorn(environment, threads=8, log=log) as base_url:
        yield base_url, log, environment["JOBS_NAME"]


def _award(base_url: str, token: str, employee_number: str) -> requests.Response:
    return requests.post(f"{base_url}/api/v1/awards", json={
        "employee_number": employee_number, "points": 1, "reason": "Helped a customer", "source": "till"},
        headers={"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex}, timeout=30)


def _assert_serving(base_url: str, session: requests.Session, seed: dict) -> None:
    for page in PAGES:
        response = session.get(f"{base_url}{page}", timeout=30)
        assert response.status_code == 200, (page, response.status_code)
        assert response.url == f"{base_url}{page}"  # served, not bounced to the login page
    award = _award(base_url, seed["token"], seed["awarded"])
    assert award.status_code == 201, award.text
    measured = _measure(base_url, seed)
    assert measured.status_code == 200, measured.text


def _measure(base_url: str, seed: dict) -> requests.Response:
    """A till sends today's sales: saved, then (after commit) a job to check the store's targets is queued."""
    return requests.post(f"{base_url}/api/v1/kpi-measurements", json={"measurements": [
        {"store": seed["store"], "kpi": "sales", "date": seed["today"], "value": 900}]},
        headers={"Authorization": f"Bearer {seed['token']}"}, timeout=30)


def _listen(base_url: str, cookie: str, store_id: int) -> tuple[socketio.Client, queue.Queue]:
    """A page showing the store's board, as static/js/app.js connects it (board hints reach watchers only)."""
    heard: queue.Queue = queue.Queue()
    client = socketio.Client(reconnection=False)
    client.on("board-changed", lambda data=None: heard.put(data))
    connected = threading.Event()
    client.on("connect", connected.set)
    client.connect(base_url, headers={"Cookie": cookie}, transports=["websocket"], wait_timeout=10)
    assert connected.wait(10)
    room = f"board-changed@store:{store_id}"
    assert client.call("watch", {"rooms": [room]}, timeout=10) == [room]
    return client, heard


def test_the_app_serves_through_a_redis_outage_and_recovers(seeded, server, private_redis):
    base_url, log, queue_name = server
    job_queue = f"huey.redis.{queue_name.replace('-', '')}"
    watcher = signed_in_session(base_url, seeded["watcher"], factories.DEFAULT_PASSWORD)
    _assert_serving(base_url, watcher, seeded)
    assert private_redis.keys("LIMITS*"), "the rate limiter should keep its counters in Redis"
    assert private_redis.keys(job_queue), "the measurement should have queued a job in Redis"

    private_redis.stop()
    started = time.monotonic()
    _assert_serving(base_url, watcher, seeded)
    # Signing in is rate-limited: with its storage gone the limiter counts in memory instead of failing.
    late_comer = signed_in_session(base_url, seeded["second_watcher"], factories.DEFAULT_PASSWORD)
    _assert_serving(base_url, late_comer, seeded)
    assert time.monotonic() - started < 20, "requests during the outage should not hang on Redis"

    private_redis.start()
    client, heard = _listen(base_url, cookie_header(watcher), seeded["store_id"])
    try:
        # The server's pub/sub listener reconnects with back-off (1, 2, 4 … s): award until a hint arrives.
        deadline = time.monotonic() + 20
        hint = None
        while hint is None and time.monotonic() < deadline:
            assert _award(base_url, seeded["token"], seeded["awarded"]).status_code == 201
            try:
                hint = heard.get(timeout=1.0)
            except queue.Empty:
                continue
        assert hint is not None, "no board-changed after Redis came back:\n" + log.read_text()[-3000:]
    finally:
        client.disconnect()
    # The limiter checks its storage again with back-off too; once back, counts are shared through Redis.
    deadline = time.monotonic() + 20
    while not private_redis.keys("LIMITS*") and time.monotonic() < deadline:
        assert _award(base_url, seeded["token"], seeded["awarded"]).status_code == 201
        time.sleep(0.5)
    assert private_redis.keys("LIMITS*"), "the rate limiter did not go back to Redis"
    assert _measure(base_url, seeded).status_code == 200
    assert private_redis.keys(job_queue), "jobs are queued in Redis again"
    text = log.read_text()
    # Flask logs every unhandled error as "Exception on <path>": none may have reached a user. What is
    # logged instead: hints that could not be published, and the job that could not be queued.
    assert "Exception on " not in text, text[-3000:]
    assert "Cannot publish to redis" in text and "job(s) failed" in text
