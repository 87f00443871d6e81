"""A job worker killed mid-job (issue 8): the job runs again once a worker starts, and pays once.

A real `flask --app wsgi worker` process on a queue of its own (a SQLite file, or the machine's Redis under
a unique name) runs the KPI target job (a store reached
its daily sales target: each of its three people earns 5 points). The test holds the ledger locked so the
job is stuck mid-run, kills the worker with SIGKILL, and checks that Huey has already taken the job off the
queue: only the claim the worker left (app/jobs/claims.py) remembers it. A new worker queues it again and
runs it; the ledger's idempotency keys make a second run pay nothing more."""

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import uuid
from calendar import monthrange
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from app import PROJECT_ROOT, jobs
from app.config import normalise_database_url
from app.extensions import db
from app.jobs import huey
from app.jobs.claims import PREFIX, STALE_AFTER, abandoned
from app.kpis.jobs import check_store_targets
from app.kpis.measurements import store_today
from app.points.models import PointEntry
from tests.kpis.conftest import measure, target
from tests.redis_support import REDIS_URL, require_redis

DAILY_POINTS = 5


@pytest.fixture(params=["sqlite", "redis"])
def queue_settings(request, app, tmp_path):
    """The test app queues jobs (no immediate mode) under a name of its own, in a SQLite file of its own or
    in the machine's Redis (where the name keeps parallel runs apart)."""
    redis_url = None
    if request.param == "redis":
        require_redis()
        redis_url = REDIS_URL
    settings = {"JOBS_IMMEDIATE": False, "JOBS_NAME": f"ascent-test-{uuid.uuid4().hex[:12]}",
                "JOBS_SQLITE_PATH": str(tmp_path / "jobs.db"), "JOBS_REDIS_URL": redis_url}
    app.config.update(settings)
    jobs.init_app(app)
    yield settings
    huey.storage.flush_all()


@pytest.fixture
def store_on_target(org, kpi_library):
    """The store sold 1,200 today against a daily target of 1,000: its staff, colleague and manager earn."""
    today = store_today(org.store)
    days = monthrange(today.year, today.month)[1]
    target(kpi_library["sales"], org.store, today.replace(day=1), 1000.0 * days)
    measure(kpi_library["sales"], org.store, today, 1200)
    seed = org.store.id, today.isoformat(), {org.staff.id, org.colleague.id, org.sm.id}
    db.session.commit()
    return seed


@contextmanager
def ledger_locked(database_url: str):
    """Hold the ledger so a job that pays waits mid-run: on SQLite the database's write lock (the job's
    BEGIN IMMEDIATE waits for it), on PostgreSQL a lock that blocks inserts into point_entries. Yields a
    check that some job is waiting for it (SQLite can't tell who waits: the lock alone keeps the job from
    having written anything)."""
    db.session.close()  # outside a request even a read takes SQLite's write lock: hold none of our own
    if database_url.startswith("sqlite"):
        connection = sqlite3.connect(sa.make_url(database_url).database, isolation_level=None)
        connection.execute("BEGIN IMMEDIATE")
        try:
            yield lambda: True
        finally:
            connection.execute("ROLLBACK")
            connection.close()
        return
    engine = sa.create_engine(normalise_database_url(database_url))
    try:
        with engine.connect() as connection:
            connection.execute(sa.text("LOCK TABLE point_entries IN SHARE MODE"))
            yield lambda: _someone_waits_for_a_lock(engine)
            # The killed worker's server process still waits for the lock; PostgreSQL only notices that
            # its client is gone when it next writes to it. End it, as the server's keepalive would.
            connection.execute(sa.text(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"))
            connection.rollback()
    finally:
        engine.dispose()


def _someone_waits_for_a_lock(engine) -> bool:
    with engine.connect() as connection:
        return bool(connection.scalar(sa.text(
            "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
            "AND wait_event_type = 'Lock'")))


def _worker_environment(database_url: str, settings: dict, tmp_path) -> dict:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("FLASK_", "JOBS_"))}
    environment.update({
        "DATABASE_URL": database_url, "SECRET_KEY": "worker-test-secret", "REDIS_URL": "",
        "ASCENT_INSTANCE_PATH": str(tmp_path / "worker-instance"), "JOBS_IMMEDIATE": "0",
        "JOBS_NAME": settings["JOBS_NAME"], "JOBS_SQLITE_PATH": settings["JOBS_SQLITE_PATH"],
        "JOBS_REDIS_URL": settings["JOBS_REDIS_URL"] or "",
        "KPI_DAILY_TARGET_POINTS": str(DAILY_POINTS),
    })
    return environment


def _start_worker(environment: dict, log) -> subprocess.Popen:
    with log.open("ab") as output:
        return subprocess.Popen([sys.executable, "-m", "flask", "--app", "wsgi", "worker", "--workers", "1",
                                 "--no-periodic"], cwd=PROJECT_ROOT, env=environment, stdout=output,
                                stderr=subprocess.STDOUT)


def _stop_worker(worker: subprocess.Popen) -> None:
    if worker.poll() is None:
        worker.send_signal(signal.SIGINT)  # graceful: a running job finishes first
        try:
            worker.wait(timeout=20)
        except subprocess.TimeoutExpired:
            worker.kill()
            worker.wait()


def _claims() -> list[str]:
    return [key for key in huey.storage.result_items() if key.startswith(PREFIX)]


def _paid() -> list[tuple[int, int]]:
    rows = db.session.execute(sa.select(PointEntry.person_id, PointEntry.amount)
                              .where(PointEntry.source_type == "kpi")).all()
    db.session.rollback()  # a fresh snapshot next time, and no transaction of ours holds SQLite's lock
    return sorted(tuple(row) for row in rows)


def _wait_for(condition, timeout: float, what: str, log) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what} within {timeout:.0f} s\n{log.read_text()[-3000:]}")
        time.sleep(0.1)


@pytest.mark.slow
def test_a_job_killed_mid_run_runs_again_after_restart_and_pays_once(app, database_url, queue_settings,
                                                                     store_on_target, tmp_path):
    store_id, day, earners = store_on_target
    check_store_targets(store_id, day)
    assert len(huey) == 1
    environment = _worker_environment(database_url, queue_settings, tmp_path)
    log = tmp_path / "worker.log"

    with ledger_locked(database_url) as job_waiting:
        first = _start_worker(environment, log)
        try:
            _wait_for(lambda: _claims(), 120, "the first worker did not start the job", log)
            _wait_for(job_waiting, 60, "the job did not reach the ledger", log)
            time.sleep(0.3)
            assert first.poll() is None
        finally:
            first.kill()  # SIGKILL: no handler runs, nothing is cleaned up
            first.wait()
    assert first.returncode == -signal.SIGKILL
    assert _paid() == []
    assert len(huey) == 0, "Huey had taken the job off the queue before running it"
    assert len(_claims()) == 1, "only the dead worker's claim still knows about the job"

    second = _start_worker(environment, log)
    try:
        _wait_for(lambda: len(_paid()) == len(earners), 120, "the job did not run again", log)
        _wait_for(lambda: not _claims(), 60, "the finished job's claim was not released", log)
        # The same job again (a retry, or a second consumer's copy): the ledger pays nothing twice.
        check_store_targets(store_id, day)
        _wait_for(lambda: len(huey) == 0 and not _claims(), 120, "the repeated job did not run", log)
    finally:
        _stop_worker(second)

    assert _paid() == sorted((person_id, DAILY_POINTS) for person_id in earners)
    assert "stopped before it finished: queued again" in log.read_text()


def test_whose_claims_count_as_abandoned():
    here, now = socket.gethostname(), time.time()
    dead = subprocess.Popen([sys.executable, "-c", "pass"])
    dead.wait()  # reaped: its pid is free (a zombie would still answer)
    assert abandoned({"host": here, "pid": dead.pid, "consumer": "x", "since": now})
    assert not abandoned({"host": here, "pid": os.getppid(), "consumer": "x", "since": now})
    # Our own pid in a claim we did not write: a restarted container whose worker is pid 1 again.
    assert abandoned({"host": here, "pid": os.getpid(), "consumer": "an earlier process", "since": now})
    # Another host can't be asked: its claims wait until no job could still be running.
    assert not abandoned({"host": "elsewhere", "pid": 1, "consumer": "x", "since": now - 60})
    assert abandoned({"host": "elsewhere", "pid": 1, "consumer": "x", "since": now - STALE_AFTER - 1})
