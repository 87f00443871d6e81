"""Real consumers: threads inside the web process (`serve`, the embedded default), and a separate
`flask --app wsgi worker` process on SQLite storage and on the machine's Redis."""

import os
import signal
import subprocess
import sys
import time
import uuid

import pytest
import sqlalchemy as sa

from app import PROJECT_ROOT, jobs, nudges
from app.extensions import db
from app.jobs import huey
from app.jobs.consumer import start_embedded, stop_embedded
from app.nudges.models import Notification, PushStatus
from tests.push.support import subscribe
from tests.redis_support import REDIS_URL, require_redis


def _use_real_queue(app, tmp_path, redis_url: str | None = None) -> dict:
    """Switch the test app from immediate mode to a real queue with a name of its own (parallel runs
    share Redis: they must not take each other's jobs)."""
    settings = {"JOBS_IMMEDIATE": False, "JOBS_NAME": f"ascent-test-{uuid.uuid4().hex[:12]}",
                "JOBS_SQLITE_PATH": str(tmp_path / "jobs.db"), "JOBS_REDIS_URL": redis_url}
    app.config.update(settings)
    jobs.init_app(app)
    return settings


def _queue_a_push(person) -> int:
    notification_id = nudges.send(person.id, "badge_earned", "/badges/", badge="Night owl").id
    db.session.commit()  # after commit: queued, not run (no immediate mode here)
    return notification_id


def _status(notification_id: int) -> str:
    status = db.session.scalar(sa.select(Notification.push_status).where(Notification.id == notification_id))
    db.session.rollback()
    return status


def _wait_for_status(notification_id: int, expected: str, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        status = _status(notification_id)
        if status == expected:
            return status
        time.sleep(0.1)
    return _status(notification_id)


def test_serve_runs_the_consumer_in_threads_without_blocking_and_stops_gracefully(
        push_app, org, receiver, browser, tmp_path):
    _use_real_queue(push_app, tmp_path)
    subscribe(org.staff, browser, receiver)
    notification_id = _queue_a_push(org.staff)
    assert _status(notification_id) == PushStatus.QUEUED and receiver.received == []

    handler = signal.getsignal(signal.SIGINT)
    consumer = start_embedded(workers=2)
    try:
        assert signal.getsignal(signal.SIGINT) is handler  # Ctrl+C still stops the web server
        [request] = receiver.wait_for(1, timeout=30)
        assert browser.decrypt(request.body)["title"] == "New badge: Night owl"
        assert _wait_for_status(notification_id, PushStatus.SENT) == PushStatus.SENT
    finally:
        stop_embedded(consumer, timeout=10)
    assert not any(thread.is_alive() for _, thread in consumer.worker_threads)
    assert not consumer.scheduler.is_alive()


def test_the_serve_command_starts_and_stops_the_consumer(push_app, runner, tmp_path, monkeypatch):
    import app.jobs.consumer as consumer_module
    from app.extensions import socketio

    _use_real_queue(push_app, tmp_path)
    events = []
    monkeypatch.setattr(consumer_module, "start_embedded",
                        lambda workers: events.append(("start", workers)) or "c")
    monkeypatch.setattr(consumer_module, "stop_embedded", lambda consumer: events.append(("stop", consumer)))
    monkeypatch.setattr(socketio, "run", lambda *args, **kwargs: events.append(("serve", kwargs["port"])))
    result = runner.invoke(args=["serve", "--port", "5999"])
    assert result.exit_code == 0, result.output
    assert events == [("start", 2), ("serve", 5999), ("stop", "c")]
    assert "background jobs running in this process" in result.output

    events.clear()
    runner.invoke(args=["serve", "--no-jobs"])
    assert [kind for kind, _ in events] == ["serve"]


def test_the_worker_command_refuses_immediate_mode(app, runner):
    result = runner.invoke(args=["worker"])
    assert result.exit_code != 0 and "JOBS_IMMEDIATE is on" in result.output


@pytest.mark.slow
@pytest.mark.parametrize("broker", ["sqlite", "redis"])
def test_a_separate_worker_process_delivers_a_queued_push(broker, push_app, org, receiver, browser, tmp_path,
                                                          database_url):
    if broker == "redis":
        require_redis()
    settings = _use_real_queue(push_app, tmp_path, REDIS_URL if broker == "redis" else None)
    subscribe(org.staff, browser, receiver)
    notification_id = _queue_a_push(org.staff)
    assert _status(notification_id) == PushStatus.QUEUED and receiver.received == []
    assert len(huey) == 1  # waiting in the queue

    environment = {key: value for key, value in os.environ.items() if not key.startswith(("FLASK_", "JOBS_"))}
    environment.update({
        "DATABASE_URL": database_url, "SECRET_KEY": "worker-test-secret", "REDIS_URL": "",
        "ASCENT_INSTANCE_PATH": str(tmp_path / "worker-instance"),
        "VAPID_PRIVATE_KEY_FILE": push_app.config["VAPID_PRIVATE_KEY_FILE"],
        "JOBS_IMMEDIATE": "0", "JOBS_NAME": settings["JOBS_NAME"],
        "JOBS_SQLITE_PATH": settings["JOBS_SQLITE_PATH"],
        "PUSH_SERVICE_HOSTS": "127.0.0.1", "NUDGE_QUIET_START": "00:00", "NUDGE_QUIET_END": "00:00",
    })
    if broker == "redis":
        environment["JOBS_REDIS_URL"] = REDIS_URL
    log = tmp_path / "worker.log"
    with log.open("wb") as output:
        # No periodic jobs: at a minute that is a multiple of five the scheduler would queue the challenge
        # tick (and on the hour the hourly jobs), and the queue would not be empty at the end.
        command = [sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--workers", "1", "--no-periodic"]
        worker = subprocess.Popen(command, cwd=PROJECT_ROOT, env=environment, stdout=output,
                                  stderr=subprocess.STDOUT)
    try:
        received = receiver.wait_for(1, timeout=60)
        assert len(received) == 1, log.read_text()
        assert browser.decrypt(received[0].body) == {
            "title": "New badge: Night owl", "body": "It's on your badge wall now.",
            "url": f"/notifications/{notification_id}", "tag": "badge_earned"}
        assert _wait_for_status(notification_id, PushStatus.SENT) == PushStatus.SENT, log.read_text()
        assert len(huey) == 0
    finally:
        worker.send_signal(signal.SIGINT)  # graceful: running jobs finish first
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()
        if broker == "redis":
            huey.storage.flush_all()
    text = log.read_text()
    assert "Ascent jobs: 1 worker threads" in text
    assert ("Redis" in text) == (broker == "redis")
