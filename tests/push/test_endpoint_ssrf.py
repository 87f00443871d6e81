"""Item 2, SSRF through web-push endpoints: the endpoint is read with the sender's own parser (urllib3),
so no URL can show the checker one host and send the server to another; stored rows are checked again
at send time; one bad subscription never costs the person's other devices their push."""

import logging
import socket
import threading

import pytest
import sqlalchemy as sa

from app import nudges
from app.extensions import db
from app.nudges.models import Notification, PushStatus
from app.push import sender
from app.push.endpoints import refusal
from app.push.models import PushSubscription
from tests.push.support import Browser, subscribe

SUBSCRIBE = "/push/subscriptions"


class CountingListener:
    """A bare TCP port on 127.0.0.1 that counts who connects: the address a smuggled URL points at."""

    def __init__(self):
        self.socket = socket.create_server(("127.0.0.1", 0))
        self.socket.settimeout(0.1)
        self.port = self.socket.getsockname()[1]
        self.connections = 0
        self._stop = threading.Event()
        self.thread = threading.Thread(target=self._accept, daemon=True)
        self.thread.start()

    def _accept(self):
        while not self._stop.is_set():
            try:
                connection, _address = self.socket.accept()
            except TimeoutError:
                continue
            self.connections += 1
            connection.close()

    def close(self):
        self._stop.set()
        self.thread.join(timeout=5)
        self.socket.close()


@pytest.fixture
def listener():
    server = CountingListener()
    yield server
    server.close()


def _store(person, browser: Browser, endpoint: str, **keys) -> int:
    """A row as an older version of the app could have stored it (no check on the way in)."""
    info = browser.subscription(endpoint)["keys"] | keys
    row = PushSubscription(person_id=person.id, endpoint=endpoint, p256dh=info["p256dh"], auth=info["auth"])
    db.session.add(row)
    db.session.commit()
    return row.id


def _nudge(person) -> int:
    notification_id = nudges.send(person.id, "badge_earned", "/badges/", badge="Team player").id
    db.session.commit()
    return notification_id


def _status(notification_id: int) -> str:
    status = db.session.scalar(sa.select(Notification.push_status).where(Notification.id == notification_id))
    db.session.rollback()
    return status


def _exists(subscription_id: int) -> bool:
    found = db.session.scalar(sa.select(PushSubscription.id).where(PushSubscription.id == subscription_id))
    db.session.rollback()
    return found is not None


# Each of these would make the server call somewhere other than a browser's push service.
SMUGGLED = [
    "https://127.0.0.1\\@fcm.googleapis.com/../../x",       # urlsplit: Google; urllib3: 127.0.0.1:443
    "https://127.0.0.1:6379\\@fcm.googleapis.com/fcm/send/x",  # ... and any port (Redis here)
    "https://user:secret@fcm.googleapis.com/fcm/send/x",    # userinfo
    "https://fcm.googleapis.com@10.0.0.5/fcm/send/x",       # userinfo hiding the real host
    "https://fcm.googleapis.com:8443/fcm/send/x",           # a non-default port
    "https://fcm.googleapis.com/fcm/send/../../admin",      # the sender would remove the dot segments
    "https://fcm.googleapis.com/fcm/send/a b",              # the sender would escape the space
    "https://FCM.googleapis.com/fcm/send/x",                # the sender would lower-case the host
    "https://fcm.googleapis.com\\.evil.example/x",          # a backslash anywhere
    "https://fcm.googleapis.com/fcm/send/x#frag",
    "https://fcm.googleapis.com/fcm/send/\u00e9",
]
# Addresses written as numbers are refused even when the settings name them as push hosts.
IP_LITERALS = ["https://2130706433/x", "https://0x7f000001/x", "https://0177.0.0.1/x", "https://127.1/x",
               "https://10.0.0.5/x", "https://[::1]/x", "https://[::ffff:127.0.0.1]/x", "https://[fd00::1]/x"]


@pytest.mark.parametrize("endpoint", SMUGGLED + IP_LITERALS)
def test_ssrf_endpoints_are_refused_when_subscribing(app, client, auth, org, browser, endpoint):
    app.config["PUSH_SERVICE_HOSTS"] = "2130706433,0x7f000001,0177.0.0.1,127.1,10.0.0.5,[::1],::ffff:127.0.0.1"
    auth.login(org.staff)
    response = client.post(SUBSCRIBE, json=browser.subscription(endpoint))
    assert response.status_code == 400
    assert response.json["detail"] == "This browser's push service isn't supported."
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PushSubscription)) == 0


@pytest.mark.parametrize("endpoint", [
    "https://fcm.googleapis.com/fcm/send/dGVzdA:APA91bH-x_y",
    "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABl-x_y",
    "https://web.push.apple.com/QGuK3ZsV4o-yUw",
    "https://wns2-par02p.notify.windows.com/w/?token=BQYAAABx%2bY%3d",  # urllib3 only upper-cases %-escapes
    "https://fcm.googleapis.com:443/fcm/send/x",
])
def test_ssrf_real_push_service_endpoints_are_still_accepted(app, endpoint):
    assert refusal(endpoint) is None


def test_ssrf_a_smuggled_stored_endpoint_is_never_contacted_and_the_other_device_still_gets_it(
        push_app, org, receiver, browser, listener):
    bad = _store(org.staff, browser, f"https://127.0.0.1:{listener.port}\\@fcm.googleapis.com/fcm/send/x")
    subscribe(org.staff, browser, receiver, "/push/phone")
    notification_id = _nudge(org.staff)

    [request] = receiver.wait_for(1)
    assert request.path == "/push/phone" and browser.decrypt(request.body)["title"] == "New badge: Team player"
    assert listener.connections == 0  # the server never opened a connection to the smuggled address
    assert not _exists(bad)  # a URL that may not be called is dropped
    assert _status(notification_id) == PushStatus.SENT


def test_ssrf_a_stored_endpoint_vapid_cannot_sign_for_does_not_stop_the_others(push_app, org, receiver,
                                                                                browser):
    # Accepted by the old check (urlsplit read the host as Google's); pywebpush's VAPID signing raises on
    # the user name in it, and that exception used to abort the job before the phone's turn.
    bad = _store(org.staff, browser, "https://user:pw@fcm.googleapis.com/fcm/send/x")
    subscribe(org.staff, browser, receiver, "/push/phone")
    notification_id = _nudge(org.staff)

    assert [request.path for request in receiver.wait_for(1)] == ["/push/phone"]
    assert not _exists(bad)
    assert _status(notification_id) == PushStatus.SENT


def test_ssrf_a_subscription_whose_keys_cannot_encrypt_is_flagged_and_the_others_still_get_it(
        push_app, org, receiver, browser, caplog):
    # 65 bytes starting with 4, as the subscribe check wants, but not a point on the curve.
    not_a_point = "BA" + "A" * 85
    broken = _store(org.staff, Browser(), receiver.url("/push/broken"), p256dh=not_a_point)
    subscribe(org.staff, browser, receiver, "/push/phone")
    with caplog.at_level(logging.WARNING, logger="app.nudges.delivery"):
        notification_id = _nudge(org.staff)

    assert [request.path for request in receiver.wait_for(1)] == ["/push/phone"]
    assert _status(notification_id) == PushStatus.SENT
    assert _exists(broken)  # kept: the browser may still renew it; the refusal is logged for an admin
    assert any(f"for device {broken}" in message for message in caplog.messages)


def test_ssrf_a_vapid_exception_is_that_device_outcome_not_an_exception(push_app, receiver, browser):
    push_app.config["VAPID_SUBJECT"] = "not a mailto or https address"
    result = sender.send(browser.subscription(receiver.url()), {"title": "x"})
    assert result.outcome == sender.Outcome.REJECTED and "VapidException" in result.detail
    assert receiver.received == []


def test_ssrf_the_sender_checks_the_endpoint_again_even_when_called_directly(push_app, browser, listener):
    result = sender.send(browser.subscription(f"https://127.0.0.1:{listener.port}\\@fcm.googleapis.com/x"),
                         {"title": "x"})
    assert result.outcome == sender.Outcome.GONE and "endpoint refused" in result.detail
    assert listener.connections == 0
