"""The queue: which storage the settings choose, jobs in an app context of their own, retries with
back-off, and poisoned jobs parked for an admin (never lost silently)."""

import pytest
import sqlalchemy as sa
from huey.storage import MemoryStorage, RedisStorage, SqliteStorage

from app import create_app, jobs
from app.core.audit import AuditEntry
from app.extensions import db
from app.jobs import huey
from app.jobs.models import FailureStatus, JobFailure
from app.jobs.queue import sqlite_path
from tests.conftest import _test_config

calls: list = []
broken = {"on": True}


@jobs.job(retries=2, retry_delay=0)
def flaky_job(label: str) -> None:
    """Fails while `broken` is on; records each attempt and its remaining retries."""
    calls.append((label, jobs.attempts_left()))
    if broken["on"]:
        raise RuntimeError(f"{label} is broken")


@jobs.job()
def writes_in_its_own_transaction(store_name: str) -> None:
    from app.org.models import Store

    store = db.session.scalar(sa.select(Store).where(Store.name == store_name))
    store.city = "Written by a job"
    db.session.commit()


@pytest.fixture(autouse=True)
def reset_test_jobs():
    calls.clear()
    broken["on"] = True


def _failures() -> list[JobFailure]:
    rows = list(db.session.scalars(sa.select(JobFailure).order_by(JobFailure.id)))
    db.session.rollback()
    return rows


def test_tests_run_jobs_immediately_in_memory(app):
    assert huey.immediate
    assert isinstance(huey.storage, MemoryStorage)


def test_the_embedded_default_is_a_sqlite_file_beside_the_database(tmp_path):
    config = _test_config(f"sqlite:///{tmp_path / 'ascent.db'}", tmp_path)
    app = create_app({**config, "JOBS_IMMEDIATE": False, "JOBS_SQLITE_PATH": None})
    try:
        assert isinstance(huey.storage, SqliteStorage) and not huey.immediate
        assert sqlite_path(app) == str(tmp_path / "ascent-jobs.db")
        assert huey.storage.filename == str(tmp_path / "ascent-jobs.db")
    finally:
        with app.app_context():
            db.engine.dispose()


def test_postgresql_without_redis_keeps_the_queue_in_the_instance_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("ASCENT_INSTANCE_PATH", str(tmp_path / "instance"))
    app = create_app({**_test_config("postgresql+psycopg://nobody@127.0.0.1:1/none", tmp_path),
                      "JOBS_IMMEDIATE": False, "JOBS_SQLITE_PATH": None})
    assert sqlite_path(app) == str(tmp_path / "instance" / "jobs.db")


def test_redis_is_the_broker_when_configured(tmp_path):
    create_app({**_test_config(f"sqlite:///{tmp_path / 'a.db'}", tmp_path), "JOBS_IMMEDIATE": False,
                "JOBS_REDIS_URL": "redis://127.0.0.1:6379/0", "JOBS_NAME": "ascent-config-check"})
    assert isinstance(huey.storage, RedisStorage) and huey.name == "ascent-config-check"


def test_a_job_runs_in_its_own_session(app, org):
    name = org.store.name
    db.session.commit()  # (SQLite: the test must not hold the write lock the job needs)
    writes_in_its_own_transaction(name)
    db.session.expire_all()
    assert org.store.city == "Written by a job"


def test_a_failing_job_is_retried_then_parked_with_what_it_was_called_with(app):
    flaky_job("receipt printer")
    assert calls == [("receipt printer", 2), ("receipt printer", 1), ("receipt printer", 0)]
    [failure] = _failures()
    assert failure.task_name == "tests.jobs.test_queue.flaky_job"
    assert failure.arguments == {"args": ["receipt printer"], "kwargs": {}}
    assert failure.error == "RuntimeError('receipt printer is broken')"
    assert "Traceback" in failure.details and failure.status == FailureStatus.PARKED


def test_a_job_that_recovers_is_not_parked(app):
    def recover_on_second_attempt(*_args):
        if len(calls) == 1:
            broken["on"] = False

    huey.pre_execute("recover")(recover_on_second_attempt)
    try:
        flaky_job("scanner")
    finally:
        huey.unregister_pre_execute("recover")
    assert len(calls) == 2 and _failures() == []


# The admin page ---------------------------------------------------------------------------------------

@pytest.fixture
def parked(app):
    flaky_job("label printer")
    [failure] = _failures()
    calls.clear()
    return failure.id


def test_admins_see_parked_jobs(app, client, auth, org, parked):
    auth.login(org.admin)
    html = client.get("/admin/jobs/").get_data(as_text=True)
    assert "tests.jobs.test_queue.flaky_job" in html and "label printer is broken" in html
    assert "Run again" in html and "Dismiss" in html


@pytest.mark.parametrize("role", ["staff", "store_manager", "district_manager", "hr"])
def test_only_admins_may_see_or_touch_failed_jobs(app, client, auth, org, parked, role):
    auth.login(org.by_role(role))
    assert client.get("/admin/jobs/").status_code == 403
    assert client.post("/admin/jobs/retry", data={"failure_id": str(parked)}).status_code == 403
    assert client.post("/admin/jobs/dismiss", data={"failure_id": str(parked)}).status_code == 403
    assert _failures()[0].status == FailureStatus.PARKED


def test_running_a_parked_job_again(app, client, auth, org, parked):
    auth.login(org.admin)
    broken["on"] = False  # the cause was fixed
    response = client.post("/admin/jobs/retry", data={"failure_id": str(parked)})
    assert response.status_code == 303
    assert calls == [("label printer", 2)]  # ran again, with a fresh set of retries
    [failure] = _failures()
    assert failure.status == FailureStatus.RETRIED and failure.handled_by_id == org.admin.id
    assert db.session.scalar(sa.select(AuditEntry.action).where(AuditEntry.action == "jobs.retried"))
    again = client.post("/admin/jobs/retry", data={"failure_id": str(parked)}, follow_redirects=True)
    assert "no longer waiting" in again.get_data(as_text=True)
    assert len(calls) == 1


def test_dismissing_a_parked_job(app, client, auth, org, parked):
    auth.login(org.admin)
    response = client.post("/admin/jobs/dismiss", data={"failure_id": str(parked)}, follow_redirects=True)
    assert "Dismissed." in response.get_data(as_text=True)
    assert _failures()[0].status == FailureStatus.DISMISSED and calls == []
    assert "No failed jobs" in client.get("/admin/jobs/").get_data(as_text=True)


def test_a_job_that_no_longer_exists_cant_run_again(app, client, auth, org, parked):
    db.session.execute(sa.update(JobFailure).values(task_name="app.gone.old_job"))
    db.session.commit()
    auth.login(org.admin)
    html = client.post("/admin/jobs/retry", data={"failure_id": str(parked)}, follow_redirects=True)
    assert "no longer exists" in html.get_data(as_text=True)
    assert _failures()[0].status == FailureStatus.PARKED


def test_a_retry_without_a_job_says_so(app, client, auth, org):
    auth.login(org.admin)
    response = client.post("/admin/jobs/retry", data={}, follow_redirects=True)
    assert "no longer waiting" in response.get_data(as_text=True)


@jobs.job()
def noted(label: str) -> None:
    calls.append(label)


def test_the_jobs_a_request_queues_leave_together_in_one_write_when_it_ends(tmp_path, monkeypatch):
    config = _test_config(f"sqlite:///{tmp_path / 'a.db'}", tmp_path)
    app = create_app({**config, "JOBS_IMMEDIATE": False, "JOBS_SQLITE_PATH": str(tmp_path / "queue.db")})
    writes = []
    storage_db = huey.storage.db

    def counted(*args, commit=False, **kwargs):
        if commit:
            writes.append("write")
        return storage_db(*args, commit=commit, **kwargs)

    monkeypatch.setattr(huey.storage, "db", counted)
    held = []

    def queue_three():
        for label in ("first", "second", "third"):
            noted(label)
        held.append(huey.pending_count())
        return "queued"

    app.add_url_rule("/_test/queue-three", "queue_three", queue_three)
    try:
        assert app.test_client().get("/_test/queue-three").status_code == 200
        assert held == [0]  # nothing left during the request
        assert writes == ["write"]  # one transaction of the queue's SQLite file for the three
        assert [task.args for task in huey.pending()] == [("first",), ("second",), ("third",)]
        assert calls == []  # queued, not run
    finally:
        huey.storage.flush_queue()
        with app.app_context():
            db.engine.dispose()
