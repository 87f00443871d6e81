"""Shared fixtures: a real database (SQLite file by default, PostgreSQL when DATABASE_URL says so),
migrated once per run and emptied between tests; an app per test; clients that post real CSRF tokens."""

import contextlib
import hashlib
import os
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import g, request_started, request_tearing_down
from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer

from app import create_app
from app.core import shortcache
from app.extensions import db, limiter
from tests import factories

TEST_SECRET = "test-secret-key-not-for-production"


def _postgres_admin_url() -> str | None:
    url = os.environ.get("DATABASE_URL", "")
    return url if url.startswith(("postgresql", "postgres://")) else None


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A database for this run, migrated with Alembic to head (the schema comes only from migrations)."""
    admin_url = _postgres_admin_url()
    if admin_url is None:
        path = tmp_path_factory.mktemp("db") / "ascent-test.db"
        url = f"sqlite:///{path}"
        _upgrade(url, tmp_path_factory.mktemp("instance"))
        yield url
        return
    from app.config import normalise_database_url

    admin_url = normalise_database_url(admin_url)
    name = f"ascent_test_{uuid.uuid4().hex[:8]}"
    admin = sa.create_engine(admin_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    url = sa.make_url(admin_url).set(database=name).render_as_string(hide_password=False)
    try:
        _upgrade(url, tmp_path_factory.mktemp("instance"))
        yield url
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def _upgrade(url: str, instance: Path) -> None:
    from flask_migrate import upgrade

    app = create_app(_test_config(url, instance))
    with app.app_context():
        upgrade()
        db.engine.dispose()


def _test_config(url: str, instance: Path) -> dict:
    return {
        "TESTING": True,
        "SECRET_KEY": TEST_SECRET,
        "SQLALCHEMY_DATABASE_URI": url,
        "RATELIMIT_STORAGE_URI": "memory://",
        "REDIS_URL": None,
        "SERVER_NAME": "ascent.test",
        # Links follow the test's server name, never a PUBLIC_URL set in the developer's shell.
        "PUBLIC_URL": None,
        "PREFERRED_URL_SCHEME": "http",
        "PASSWORD_HASH_CONCURRENCY": 4,
        "VAPID_PRIVATE_KEY_FILE": str(instance / "vapid_private.pem"),
        # The job queue's SQLite file stays in the test's folder (with PostgreSQL it would otherwise be the
        # working tree's instance/jobs.db, shared by parallel workers).
        "JOBS_SQLITE_PATH": str(instance / "jobs.db"),
        # Uploads go to the test's own folder, never to the working tree's instance folder.
        "MISSION_UPLOAD_DIR": str(instance / "uploads" / "missions"),
        "REWARD_PICTURE_FOLDER": str(instance / "rewards"),
    }


class AscentClient(FlaskClient):
    """Posts carry a valid CSRF token unless a test says csrf=False: CSRF stays switched on in tests."""

    def csrf_token(self) -> str:
        with self.session_transaction() as session:
            if "csrf_token" not in session:
                session["csrf_token"] = hashlib.sha1(os.urandom(64)).hexdigest()  # noqa: S324 - as Flask-WTF does
            raw = session["csrf_token"]
        return URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token").dumps(raw)

    def post(self, *args, csrf: bool = True, **kwargs):
        if csrf:
            if kwargs.get("json") is not None:
                kwargs.setdefault("headers", {})["X-CSRFToken"] = self.csrf_token()
            else:
                data = kwargs.setdefault("data", {})
                if isinstance(data, dict):
                    data.setdefault("csrf_token", self.csrf_token())
        return super().post(*args, **kwargs)

    def htmx_get(self, url: str, **kwargs):
        headers = kwargs.pop("headers", {})
        headers.update({"HX-Request": "true"})
        return self.get(url, headers=headers, **kwargs)


@pytest.fixture
def app(database_url, tmp_path):
    app = create_app(_test_config(database_url, tmp_path))
    app.test_client_class = AscentClient
    # The fixture keeps one app context open for the whole test and Flask reuses it for the test's
    # requests, so `g` would outlive a request: the signed-in user, the locale and the CSRF token would
    # leak from one request, and one client, to the next. Each request starts and ends with an empty `g`,
    # as in production.
    request_started.connect(_clear_request_globals, app)
    request_tearing_down.connect(_clear_request_globals, app)
    with app.app_context():
        _empty_all_tables()
        limiter.reset()
        yield app
        db.session.remove()
        db.engine.dispose()
    request_started.disconnect(_clear_request_globals, app)
    request_tearing_down.disconnect(_clear_request_globals, app)


def _clear_request_globals(_sender, **_extra) -> None:
    for name in list(g):
        g.pop(name)


def _empty_all_tables() -> None:
    tables = [table.name for table in reversed(db.metadata.sorted_tables)]
    if db.engine.dialect.name == "postgresql":
        db.session.execute(sa.text("TRUNCATE " + ", ".join(f'"{t}"' for t in tables) + " RESTART IDENTITY CASCADE"))
    else:
        for table in tables:
            db.session.execute(sa.text(f'DELETE FROM "{table}"'))  # noqa: S608 - table names from the metadata
    db.session.commit()


@pytest.fixture
def client(app) -> AscentClient:
    return app.test_client()


@pytest.fixture
def runner(app):
    return app.test_cli_runner()


class AuthActions:
    def __init__(self, client: AscentClient):
        self.client = client

    def login(self, identifier, password: str = factories.DEFAULT_PASSWORD, remember: bool = False):
        if not isinstance(identifier, str):
            identifier = identifier.email or identifier.employee_number
        data = {"identifier": identifier, "password": password}
        if remember:
            data["remember"] = "y"
        return self.client.post("/login", data=data)

    def logout(self):
        return self.client.post("/logout")


@pytest.fixture
def auth(client) -> AuthActions:
    return AuthActions(client)


@pytest.fixture
def org(app):
    """A small chain: two districts, three stores, people in every role (see factories.build_org)."""
    return factories.build_org()


@pytest.fixture
def count_queries(app):
    """`with count_queries() as counter: ...` then `counter.count`: catches N+1 before it ships.

    Test requests share the test's session; it is emptied first so the measured request starts cold,
    as in production (objects the test holds become detached: re-read them with db.session.get). What the
    process keeps a few seconds (app/core/shortcache.py) is forgotten too, unless `kept`: a test that warms
    it up on purpose counts the warm request."""

    @contextlib.contextmanager
    def _count(kept: bool = False):
        db.session.remove()
        if not kept:
            shortcache.forget_everything()
        counter = type("Counter", (), {"count": 0, "statements": []})()

        def _before(_conn, _cursor, statement, *_args):
            counter.count += 1
            counter.statements.append(statement)

        sa.event.listen(db.engine, "before_cursor_execute", _before)
        try:
            yield counter
        finally:
            sa.event.remove(db.engine, "before_cursor_execute", _before)

    return _count


@pytest.fixture
def sign_in(client):
    """Sign a person in by writing Flask-Login's session directly, for tests about something other than
    signing in: a real sign-in costs an argon2 check (tests/auth covers that path)."""

    def _sign_in(person, into=None):
        target = into or client
        with target.session_transaction() as session:
            session["_user_id"] = person.get_id()
            session["_fresh"] = True
        return target

    return _sign_in


@pytest.fixture
def journey_defaults(app):
    """The app fixture empties every table, the migrations' seed rows included: put back the default
    stages and the built-in badges for tests that need them."""
    from app.badges.catalogue import seed_builtin_badges
    from app.journey.defaults import seed_default_stages

    seed_default_stages()
    seed_builtin_badges()
    db.session.commit()


@pytest.fixture
def kpi_library(app):
    """The built-in retail KPIs (the migration seeds them; the app fixture empties the tables):
    {code: KpiDefinition}."""
    import sqlalchemy as sa

    from app.kpis.defaults import ensure_defaults
    from app.kpis.models import KpiDefinition

    ensure_defaults()
    db.session.commit()
    return {kpi.code: kpi for kpi in db.session.scalars(sa.select(KpiDefinition))}
