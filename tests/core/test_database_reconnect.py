"""PostgreSQL restarted (issue 8): the next request succeeds.

A restart looks to the app's connection pool like every pooled connection dying at once. The test
reproduces exactly that without touching the machine's server (other runs use it): an admin connection
terminates every other session on the test's own database. With `pool_pre_ping` the pool notices the
dead connection when it hands it out and opens a new one, so no user sees the failure."""

import uuid

import pytest
import requests
import sqlalchemy as sa

from app.api import tokens
from app.config import normalise_database_url
from app.extensions import db
from bench.harness import gunicorn, signed_in_session
from tests import factories
from tests.core.support import sign_in


@pytest.fixture
def admin_engine(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("PostgreSQL only: a SQLite file has no server to restart")
    engine = sa.create_engine(normalise_database_url(database_url), isolation_level="AUTOCOMMIT")
    yield engine
    engine.dispose()


def _drop_every_other_connection(admin_engine) -> int:
    """What a server restart does to the app's pool; returns how many sessions were ended."""
    with admin_engine.connect() as connection:
        return len(connection.execute(sa.text(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE datname = current_database() AND pid <> pg_backend_pid()")).all())


def test_the_engine_pings_pooled_connections(app):
    assert app.config["SQLALCHEMY_ENGINE_OPTIONS"]["pool_pre_ping"] is True
    assert db.engine.pool._pre_ping  # what the option became on the engine Flask-SQLAlchemy built


def test_the_next_request_after_the_connections_died_succeeds(app, org, admin_engine):
    client = app.test_client()
    sign_in(client, org.sm)
    assert client.get("/points").status_code == 200
    staff_id = org.staff.id
    db.session.commit()  # every connection back in the pool, idle, as between two requests
    opened = []

    def count_new_connection(*_args) -> None:
        opened.append(1)

    sa.event.listen(db.engine, "connect", count_new_connection)
    try:
        assert _drop_every_other_connection(admin_engine) >= 1
        # The first request after the "restart" writes: a manager awards points through the form.
        award = client.post("/points/award", data={"person_id": str(staff_id), "points": "4",
                                                   "reason": "Back after the restart",
                                                   "idempotency_key": uuid.uuid4().hex})
        page = client.get("/points")
    finally:
        sa.event.remove(db.engine, "connect", count_new_connection)
    assert award.status_code == 303, award.text
    assert page.status_code == 200
    assert opened, "the pool should have replaced the dead connection with a new one"


def test_a_running_server_answers_the_first_request_after_the_connections_died(app, org, admin_engine,
                                                                               database_url, tmp_path):
    token = tokens.create_token(None, "Till system", all_stores=True, store_ids=[]).secret
    email, employee_number = org.colleague.email, org.staff.employee_number
    db.session.commit()
    environment = {"DATABASE_URL": database_url, "SECRET_KEY": "reconnect-test-secret",
                   "ASCENT_INSTANCE_PATH": str(tmp_path / "instance"), "JOBS_IMMEDIATE": "1", "REDIS_URL": "",
                   "LOGIN_RATE_LIMIT": "100 per minute"}
    log = tmp_path / "gunicorn.log"
    with gunicorn(environment, threads=4, log=log) as base_url:
        session = signed_in_session(base_url, email, factories.DEFAULT_PASSWORD)
        assert session.get(f"{base_url}/points", timeout=10).status_code == 200

        assert _drop_every_other_connection(admin_engine) >= 1

        # The very first request after the "restart", on each path: a page, and a write through the API.
        assert session.get(f"{base_url}/points", timeout=10).status_code == 200
        award = requests.post(f"{base_url}/api/v1/awards", json={
            "employee_number": employee_number, "points": 3, "reason": "Back after the restart",
            "source": "till"}, headers={"Authorization": f"Bearer {token}", "Idempotency-Key": uuid.uuid4().hex},
            timeout=10)
        assert award.status_code == 201, award.text
    assert "Exception on " not in log.read_text()
