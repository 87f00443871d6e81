"""Core tests send every request in its own app context, as production does.

The shared `app` fixture keeps one app context pushed for the whole test, and Flask 3 reuses a pushed
context for the requests made inside it, so `g` and the database session outlive a request. The
shared fixture forgets the `g` entries known to matter (Flask-Login's cached user, Flask-WTF's token,
the locale); before it did, an anonymous second client was served as the first client's user. Tests
about sessions, cookies and CSRF must not depend on that list being complete, and the matrix's "never
another store's data" is only worth something if each request loads its own objects: here each
request gets a fresh `g` and a fresh database session. The test's own session is committed first so
the request never waits on the test's transaction (SQLite write lock).

The route-by-route modules (the authorization matrix, the headers crawl) run well over a thousand
cases. Building an app per case made them take minutes (URL rules, templates and SQL compiled again
each time), so they share one app per module and get an empty database, a fresh org, fresh upload
folders and a reset rate limiter per case instead: `shared_app` and `fresh_org`.
"""

import pytest

from app import create_app
from app.extensions import db, limiter
from tests import factories
from tests.conftest import _test_config
from tests.core.support import IsolatedClient


def _isolate(app, folder) -> None:
    app.test_client_class = IsolatedClient
    # Uploaded photos and pictures go to the test's own folder, never to the shared instance folder.
    app.config["MISSION_UPLOAD_DIR"] = str(folder / "mission-uploads")
    app.config["REWARD_PICTURE_FOLDER"] = str(folder / "reward-pictures")


@pytest.fixture
def app(app, tmp_path):
    _isolate(app, tmp_path)
    return app


@pytest.fixture(scope="module")
def shared_app(database_url, tmp_path_factory):
    app = create_app(_test_config(database_url, tmp_path_factory.mktemp("instance")))
    with app.app_context():
        yield app
        db.session.remove()
        db.engine.dispose()


@pytest.fixture
def fresh_org(shared_app, tmp_path):
    """What the `app` and `org` fixtures give, on the module's shared app."""
    _isolate(shared_app, tmp_path)
    db.session.remove()
    # DELETE, not the shared fixture's TRUNCATE: on PostgreSQL it is 3× faster for these small tables.
    for table in reversed(db.metadata.sorted_tables):
        db.session.execute(table.delete())
    db.session.commit()
    limiter.reset()
    yield factories.build_org()
    db.session.remove()


@pytest.fixture
def shared_client(shared_app, fresh_org):
    return shared_app.test_client()
