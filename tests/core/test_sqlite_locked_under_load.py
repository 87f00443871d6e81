"""SQLite under concurrent writers through a real server (issue 8): "database is locked" never reaches a
user. A gunicorn process with many threads takes awards from store systems (the JSON API) and from
managers (the award form, CSRF token and all) at once; every write lands, none answers 500, and the
server's log has no "database is locked" (test_sqlite_concurrency.py covers the same in one process)."""

import re
import threading
import uuid

import pytest
import requests
import sqlalchemy as sa

from app.api import tokens
from app.extensions import db
from app.points.models import PointEntry
from bench.harness import gunicorn, signed_in_session
from tests import factories

API_CLIENTS = 8  # till systems, one token each (the API allows 120 requests a minute per token)
FORM_CLIENTS = 4  # store managers on their phones
WRITES_PER_CLIENT = 10
_CSRF = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


@pytest.fixture(autouse=True)
def sqlite_only(database_url):
    if not database_url.startswith("sqlite"):
        pytest.skip("SQLite only: PostgreSQL locks rows, not the whole database")


@pytest.fixture
def crowd(app, org):
    """Tokens for the tills, and store managers each with an associate of their own to award."""
    api = [(tokens.create_token(None, f"Till {n}", all_stores=True, store_ids=[]).secret,
            factories.make_person("staff", store=org.store, password=None).employee_number)
           for n in range(API_CLIENTS)]
    managers = []
    for _n in range(FORM_CLIENTS):
        manager = factories.make_person("store_manager", store=org.store)
        managers.append((manager.email, factories.make_person("staff", store=org.store, password=None).id))
    db.session.commit()
    db.session.close()  # the server writes to this file: no transaction of ours may hold its lock
    return api, managers


def _award_by_api(base_url: str, token: str, employee_number: str, statuses: list) -> None:
    for _n in range(WRITES_PER_CLIENT):
        response = requests.post(f"{base_url}/api/v1/awards", json={
            "employee_number": employee_number, "points": 1, "reason": "Till bonus", "source": "till"},
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex}, timeout=60)
        statuses.append(("api", response.status_code))


def _award_by_form(base_url: str, session: requests.Session, person_id: int, statuses: list) -> None:
    for _n in range(WRITES_PER_CLIENT):
        form = session.get(f"{base_url}/points/award", timeout=60)
        token = _CSRF.search(form.text)
        response = session.post(f"{base_url}/points/award", data={
            "csrf_token": token.group(1) if token else "", "person_id": str(person_id), "points": "1",
            "reason": "Helped a customer find the right size", "idempotency_key": uuid.uuid4().hex},
            allow_redirects=False, timeout=60)
        statuses.append(("form", response.status_code))


@pytest.mark.slow
def test_concurrent_writers_through_gunicorn_never_see_database_is_locked(crowd, database_url, tmp_path):
    api, managers = crowd
    environment = {"DATABASE_URL": database_url, "SECRET_KEY": "sqlite-load-test-secret", "REDIS_URL": "",
                   "ASCENT_INSTANCE_PATH": str(tmp_path / "instance"), "JOBS_IMMEDIATE": "1",
                   "LOGIN_RATE_LIMIT": "100 per minute", "POINTS_DAILY_CAP": "100000"}
    log = tmp_path / "gunicorn.log"
    statuses: list[tuple[str, int]] = []
    errors: list[BaseException] = []
    with gunicorn(environment, threads=16, log=log) as base_url:
        sessions = [(signed_in_session(base_url, email, factories.DEFAULT_PASSWORD), person_id)
                    for email, person_id in managers]
        work = [(_award_by_api, (base_url, token, number, statuses)) for token, number in api]
        work += [(_award_by_form, (base_url, session, person_id, statuses)) for session, person_id in sessions]
        barrier = threading.Barrier(len(work))

        def run(target, arguments) -> None:
            try:
                barrier.wait(timeout=30)
                target(*arguments)
            except BaseException as error:  # noqa: BLE001 - reported by the test, not lost in a thread
                errors.append(error)

        threads = [threading.Thread(target=run, args=item) for item in work]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)
        assert not any(thread.is_alive() for thread in threads), "a client hung"

    assert errors == [], [repr(error) for error in errors[:3]]
    assert sorted(set(statuses)) == [("api", 201), ("form", 303)], sorted(set(statuses))
    assert len(statuses) == (API_CLIENTS + FORM_CLIENTS) * WRITES_PER_CLIENT
    text = log.read_text()
    assert "database is locked" not in text and "Exception on " not in text, text[-3000:]
    paid = db.session.scalar(sa.select(sa.func.count()).select_from(PointEntry).where(PointEntry.amount == 1))
    assert paid == len(statuses)
