"""Browser tests: the real app served on 127.0.0.1 with the demo chain, driven through Debian's
chromium by Playwright's sync API.

- One live server and one browser per run (session scope); a fresh browser context per test, at phone
  (390×844, touch) or tablet (1024×1366) size.
- `phone` / `tablet` fixtures hand out a `Screen`: the page plus helpers to sign in, take screenshots
  (test-artifacts/screenshots/, git-ignored) and check that nothing went wrong in the console.
- Without /usr/bin/chromium the folder is skipped with instructions, unless CI is set: then it fails.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import pytest

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DEMO_PASSWORD = "ascent-demo"  # app.org.demo.DEMO_PASSWORD, spelled out: changing it must break a test
USERS = {role: f"{role}@demo.ascent" for role in ("admin", "hr", "dm", "sm", "staff")}

PROJECT_ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = PROJECT_ROOT / "test-artifacts" / "screenshots"
AXE_SOURCE = PROJECT_ROOT / "static" / "vendor" / "axe.min.js"

PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}
TABLET = {
    "viewport": {"width": 1024, "height": 1366},
    "device_scale_factor": 1,
    "is_mobile": False,
    "has_touch": True,
}

# Reports every Content-Security-Policy violation to the console, where the Screen collects it
# (Chromium also logs its own "Refused to ..." line; this catches anything it might not).
_CSP_REPORTER = """
document.addEventListener("securitypolicyviolation", (event) => {
  console.error(`CSP violation: ${event.violatedDirective} blocked ${event.blockedURI || "inline"}`
                + ` at ${event.sourceFile || ""}:${event.lineNumber || 0}`);
});
"""


# -- Marking and skipping -----------------------------------------------------------------------

def pytest_collection_modifyitems(config, items):
    here = Path(__file__).parent
    missing = not Path(CHROMIUM).exists()
    for item in items:
        if here not in Path(str(item.fspath)).parents:
            continue
        item.add_marker(pytest.mark.browser)
        # Under pytest-xdist (`--dist loadgroup`) every browser test runs on one worker: one live server,
        # one demo chain and one chromium, not one per worker.
        item.add_marker(pytest.mark.xdist_group("browser"))
        if missing and not os.environ.get("CI"):
            item.add_marker(pytest.mark.skip(
                reason=f"{CHROMIUM} not found: install it with `apt-get install -y chromium` "
                       "to run the browser tests"))


@pytest.fixture(scope="session")
def _chromium_present():
    if not Path(CHROMIUM).exists():
        # Only reached under CI (otherwise the tests were skipped at collection).
        pytest.fail(f"CI is set but {CHROMIUM} is missing: install it with `apt-get install -y chromium`",
                    pytrace=False)


# -- The live server ----------------------------------------------------------------------------

LIVE_APP: dict = {}


def migrated_app(db_path: Path, **overrides):
    """A production-like app (no TESTING, CSRF on, real cookies and headers) on a freshly migrated SQLite
    file. Only the login rate limit is raised: every test signs in from the same address."""
    from flask_migrate import upgrade

    from app import create_app

    app = create_app({
        "TESTING": False,
        "DEBUG": False,
        "SECRET_KEY": "browser-tests-secret-key-not-for-production",
        "SQLALCHEMY_DATABASE_URI": f"sqlite:///{db_path}",
        "REDIS_URL": None,
        "RATELIMIT_STORAGE_URI": "memory://",
        "LOGIN_RATE_LIMIT": "1000 per minute",
        "ASCENT_HTTPS": False,
        "SESSION_COOKIE_SECURE": False,
        "REMEMBER_COOKIE_SECURE": False,
        "SESSION_COOKIE_NAME": "ascent_session",
        "REMEMBER_COOKIE_NAME": "ascent_remember",
        "PASSWORD_HASH_CONCURRENCY": 4,
        **overrides,
    })
    with app.app_context():
        try:
            # "heads": every branch of the migration graph (the same as "head" once branches are merged).
            upgrade(revision="heads")
        except SystemExit as exited:  # Flask-Migrate reports Alembic errors by exiting; pytest wants an error
            raise RuntimeError("migrating the browser-test database failed: see the log above") from exited
    return app


@pytest.fixture(scope="session")
def live_server(tmp_path_factory) -> Iterator[str]:
    """The real app over real HTTP, with a migrated SQLite file holding the demo chain.
    Yields the base URL, e.g. http://127.0.0.1:54321."""
    from app.extensions import db, socketio
    from app.org.demo import load_org

    app = migrated_app(tmp_path_factory.mktemp("browser-db") / "ascent.db")
    with app.app_context():
        # The demo chain (people, stores, districts). The demo command's 90 days of points history
        # take ~40 s to write, too slow here: features with browser tests seed what they show.
        load_org()
        db.session.commit()
        db.session.remove()

    LIVE_APP["app"] = app  # tests that seed their own data open an app context on it
    LIVE_APP["socketio_server"] = socketio.server
    with serving(app) as base_url:
        yield base_url


@contextmanager
def serving(app) -> Iterator[str]:
    """`app` over real HTTP on a free port until the block ends; yields its base URL."""
    from werkzeug.serving import make_server

    from app.extensions import db

    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="ascent-live-server", daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(timeout=10)
        with app.app_context():
            db.engine.dispose()


@pytest.fixture(autouse=True)
def _live_socket_server(request):
    """`socketio` is one object whose server every create_app replaces: a test that built another app
    after the live server started would send the live server's hints to a server nobody listens on.
    Point it back at the live server's for each browser test."""
    if "live_server" not in request.fixturenames:
        yield
        return
    from app.extensions import socketio

    request.getfixturevalue("live_server")
    previous = socketio.server
    socketio.server = LIVE_APP["socketio_server"]
    yield
    socketio.server = previous


@pytest.fixture
def in_english(live_server):
    """The demo chain speaks Italian; tests that read English labels switch its people to English for
    the test and back afterwards (the Italian screens are covered by the shell and journey tests)."""
    import sqlalchemy as sa

    from app.extensions import db
    from app.org.models import Person

    def set_locale(locale: str) -> dict[int, str]:
        with LIVE_APP["app"].app_context():
            before = dict(db.session.execute(sa.select(Person.id, Person.locale)).all())
            db.session.execute(sa.update(Person).values(locale=locale))
            db.session.commit()
            db.session.remove()
        return before

    previous = set_locale("en")
    yield
    with LIVE_APP["app"].app_context():
        for locale in set(previous.values()):
            ids = [person_id for person_id, value in previous.items() if value == locale]
            db.session.execute(sa.update(Person).where(Person.id.in_(ids)).values(locale=locale))
        db.session.commit()
        db.session.remove()


# -- The browser --------------------------------------------------------------------------------

@pytest.fixture(scope="session")
def playwright(_chromium_present):
    from playwright.sync_api import sync_playwright

    driver = sync_playwright().start()
    try:
        yield driver
    finally:
        driver.stop()


@pytest.fixture(scope="session")
def browser(playwright):
    browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
    try:
        yield browser
    finally:
        browser.close()


@pytest.fixture(scope="session")
def screenshot_dir() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS


@dataclass
class Screen:
    """One browser context at one size, with its page and what its console said."""

    page: object  # playwright.sync_api.Page
    size: str  # "phone" or "tablet"
    base_url: str
    shots: Path
    problems: list[str] = field(default_factory=list)

    @property
    def context(self):
        return self.page.context

    def url(self, path: str) -> str:
        return self.base_url + path

    def goto(self, path: str):
        response = self.page.goto(self.url(path), wait_until="load")
        assert response is not None and response.ok, f"GET {path} answered {response and response.status}"
        return response

    def path(self) -> str:
        return re.sub(r"^https?://[^/]+", "", self.page.url)

    def login(self, who: str, password: str = DEMO_PASSWORD) -> None:
        """Sign in as admin, hr, dm, sm or staff (or any e-mail) and wait for the home page."""
        email = USERS.get(who, who)
        self.goto("/login")
        self.page.locator("#identifier").fill(email)
        self.page.locator("#password").fill(password)
        self.page.locator("form button[type=submit]").click()
        self.page.wait_for_url(re.compile(r"/home(\?|$)"))
        self.settle()

    def settle(self) -> None:
        """Wait until the page has loaded and htmx has no request in flight (boosted swaps finish
        after 'load'). Cheaper than "networkidle", which always waits half a second."""
        self.page.wait_for_function(
            "() => document.readyState === 'complete' && !document.querySelector('.htmx-request')"
            " && !document.querySelector('.htmx-settling, .htmx-swapping')")

    def screenshot(self, name: str) -> Path:
        """What the person sees on the screen (a full-page capture would draw the fixed tab bar
        half-way down long pages)."""
        path = self.shots / f"{name}-{self.size}.png"
        self.page.screenshot(path=str(path))
        return path

    def assert_no_console_problems(self, allow: tuple[str, ...] = ()) -> None:
        unexpected = [p for p in self.problems if not any(a in p for a in allow)]
        assert not unexpected, "console errors / CSP violations:\n" + "\n".join(unexpected)


def _watch(page, problems: list[str]) -> None:
    def on_console(message):
        if message.type in ("error", "assert") or "Content Security Policy" in message.text:
            location = message.location or {}
            problems.append(f"[console.{message.type}] {message.text} ({location.get('url', '')}:"
                            f"{location.get('lineNumber', '')})")

    page.on("console", on_console)
    page.on("pageerror", lambda error: problems.append(f"[pageerror] {error}"))


def open_screen(browser, base_url: str, size: str, shots: Path, **context_options) -> tuple[object, Screen]:
    """A new context at the given size (the context must be closed by the caller)."""
    options = dict(PHONE if size == "phone" else TABLET)
    options.update(locale="en-GB", timezone_id="Europe/Rome", service_workers="allow",
                   color_scheme="light", reduced_motion="reduce")
    options.update(context_options)
    context = browser.new_context(**options)
    context.set_default_timeout(10_000)
    context.add_init_script(_CSP_REPORTER)
    page = context.new_page()
    screen = Screen(page=page, size=size, base_url=base_url, shots=shots)
    _watch(page, screen.problems)
    return context, screen


@pytest.fixture
def phone(browser, live_server, screenshot_dir) -> Iterator[Screen]:
    context, screen = open_screen(browser, live_server, "phone", screenshot_dir)
    try:
        yield screen
    finally:
        context.close()


@pytest.fixture
def tablet(browser, live_server, screenshot_dir) -> Iterator[Screen]:
    context, screen = open_screen(browser, live_server, "tablet", screenshot_dir)
    try:
        yield screen
    finally:
        context.close()


@pytest.fixture(scope="session")
def axe_source() -> str:
    if not AXE_SOURCE.exists():
        pytest.fail(f"{AXE_SOURCE} is missing: run `npm install && npm run build` (make setup)",
                    pytrace=False)
    return AXE_SOURCE.read_text(encoding="utf-8")

