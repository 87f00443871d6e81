"""Fixtures shared by tests/push, tests/nudges and tests/jobs (each conftest imports them)."""

import pytest

from tests.push.support import Browser, PushReceiver


@pytest.fixture
def receiver():
    server = PushReceiver().start()
    yield server
    server.stop()


@pytest.fixture
def browser():
    return Browser()


@pytest.fixture
def push_app(app):
    """The app accepting the local receiver as a push service, and with quiet hours off by default
    (tests about quiet hours set the clock themselves)."""
    app.config.update(PUSH_SERVICE_HOSTS="127.0.0.1", NUDGE_QUIET_START="00:00", NUDGE_QUIET_END="00:00",
                      PUSH_READ_TIMEOUT=2.0, PUSH_CONNECT_TIMEOUT=2.0)
    return app


@pytest.fixture(autouse=True)
def vapid_key_in_tmp(request, tmp_path):
    """Tests make their VAPID key in their own folder, never in the developer's instance/."""
    if "app" not in request.fixturenames:
        return
    app = request.getfixturevalue("app")
    app.config["VAPID_PRIVATE_KEY_FILE"] = str(tmp_path / "instance" / "vapid_private.pem")


@pytest.fixture(autouse=True)
def fresh_request_globals(request):
    """Each request starts with an empty `g`, as in production (the test's app context is shared)."""
    if "app" not in request.fixturenames:
        yield
        return
    from flask import g, request_started, request_tearing_down

    app = request.getfixturevalue("app")

    def clear(_sender, **_extra):
        for name in list(g):
            g.pop(name)

    request_started.connect(clear, app)
    request_tearing_down.connect(clear, app)
    yield
    request_started.disconnect(clear, app)
    request_tearing_down.disconnect(clear, app)
