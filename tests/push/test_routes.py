"""Turning push on and off per device: the JSON the service worker posts, the devices card (page and
htmx fragment), CSRF, bad input, and other people's subscriptions."""

import json

import pytest
import sqlalchemy as sa

from app.extensions import db
from app.push.models import PushSubscription
from app.push.vapid import public_key
from tests.push.support import ANDROID_CHROME, Browser, subscribe

SUBSCRIBE = "/push/subscriptions"
UNSUBSCRIBE = "/push/unsubscribe"
FCM = "https://fcm.googleapis.com/fcm/send/dGVzdC1kZXZpY2U"


def _count(person=None) -> int:
    query = sa.select(sa.func.count()).select_from(PushSubscription)
    if person is not None:
        query = query.where(PushSubscription.person_id == person.id)
    count = db.session.scalar(query)
    db.session.rollback()
    return count


@pytest.fixture
def signed_in(client, auth, org):
    auth.login(org.staff)
    return client


def test_the_me_page_has_the_push_card_with_the_public_key(push_app, signed_in):
    html = signed_in.get("/me").get_data(as_text=True)
    assert 'id="push-card"' in html
    assert f'data-public-key="{public_key()}"' in html
    assert 'data-subscribe-url="/push/subscriptions"' in html
    assert "Turn on notifications" in html
    assert "Language" in html and "Security" in html  # the rest of the page is still there
    assert "<script>" not in html and "style=" not in html  # strict CSP: nothing inline


def test_a_device_subscribes_with_json_and_the_csrf_header(push_app, signed_in, org, browser):
    response = signed_in.post(SUBSCRIBE, json=browser.subscription(FCM),
                              headers={"User-Agent": ANDROID_CHROME})
    assert response.status_code == 201
    assert response.json["device"] == "Chrome on Android"
    stored = db.session.get(PushSubscription, response.json["id"])
    assert (stored.person_id, stored.endpoint, stored.device) == (org.staff.id, FCM, "Chrome on Android")
    assert stored.p256dh == browser.subscription(FCM)["keys"]["p256dh"]

    # The same device again updates its row; it doesn't add one.
    again = signed_in.post(SUBSCRIBE, json=Browser().subscription(FCM))
    assert again.status_code == 201 and again.json["id"] == stored.id
    assert _count() == 1


def test_subscribing_without_the_csrf_token_is_refused(push_app, signed_in, browser):
    response = signed_in.post(SUBSCRIBE, json=browser.subscription(FCM), csrf=False)
    assert response.status_code == 400
    assert _count() == 0


@pytest.mark.parametrize(("body", "content_type", "message"), [
    ("{not json", "application/json", "Send the subscription as JSON"),
    ("endpoint=x", "application/x-www-form-urlencoded", "Send the subscription as JSON"),
    ("[1, 2]", "application/json", "Send the subscription as a JSON object."),
    (json.dumps({"endpoint": FCM}), "application/json", "The subscription has no keys."),
    (json.dumps({"keys": {}}), "application/json", "The subscription has no endpoint."),
    (json.dumps({"endpoint": FCM, "keys": {"p256dh": "AAAA", "auth": "AAAA"}}), "application/json",
     "The subscription's p256dh key has the wrong length."),
    (json.dumps({"endpoint": FCM, "keys": {"p256dh": "!!!", "auth": "x"}}), "application/json",
     "The subscription's p256dh key isn't valid base64url."),
])
def test_bad_json_is_a_400_with_a_clear_message(push_app, signed_in, body, content_type, message):
    response = signed_in.post(SUBSCRIBE, data=body, content_type=content_type,
                              headers={"X-CSRFToken": signed_in.csrf_token()})
    assert response.status_code == 400
    assert response.headers["Content-Type"] == "application/problem+json"
    assert message in response.json["detail"]
    assert _count() == 0


@pytest.mark.parametrize("endpoint", [
    "https://evil.example.com/push",           # not a push service
    "http://fcm.googleapis.com/fcm/send/x",    # not over HTTPS
    "https://127.0.0.1.example.com/x",         # a look-alike host
    "http://10.0.0.5:8080/admin",              # the server's own network
])
def test_only_known_push_services_are_accepted(app, signed_in, browser, endpoint):
    response = signed_in.post(SUBSCRIBE, json=browser.subscription(endpoint))
    assert response.status_code == 400
    assert response.json["detail"] == "This browser's push service isn't supported."
    assert _count() == 0


def test_a_shared_device_belongs_to_whoever_subscribed_last(push_app, client, auth, org, browser):
    auth.login(org.staff)
    client.post(SUBSCRIBE, json=browser.subscription(FCM))
    auth.logout()
    auth.login(org.colleague)
    assert client.post(SUBSCRIBE, json=browser.subscription(FCM)).status_code == 201
    assert (_count(org.staff), _count(org.colleague)) == (0, 1)


def test_the_devices_page_and_its_fragment(push_app, signed_in, org, receiver, browser):
    subscribe(org.staff, browser, receiver)
    page = signed_in.get("/push/devices")
    assert page.status_code == 200
    assert "<html" in page.get_data(as_text=True) and "Chrome on Android" in page.get_data(as_text=True)
    fragment = signed_in.htmx_get("/push/devices")
    html = fragment.get_data(as_text=True)
    assert fragment.status_code == 200 and "<html" not in html
    assert html.lstrip().startswith("<section") and "Chrome on Android" in html


def test_unsubscribe_one_device_from_the_page(push_app, signed_in, org, receiver, browser):
    phone = subscribe(org.staff, browser, receiver, "/push/phone")
    tablet = subscribe(org.staff, browser, receiver, "/push/tablet")
    response = signed_in.post(UNSUBSCRIBE, data={"subscription_id": str(phone.id)})
    assert response.status_code == 303 and response.headers["Location"].endswith("/me")
    assert [s.id for s in db.session.scalars(sa.select(PushSubscription))] == [tablet.id]
    assert "Notifications are off on that device." in signed_in.get("/me").get_data(as_text=True)


def test_unsubscribe_one_device_with_htmx(push_app, signed_in, org, receiver, browser):
    phone = subscribe(org.staff, browser, receiver, "/push/phone")
    response = signed_in.post(UNSUBSCRIBE, data={"subscription_id": str(phone.id)},
                              headers={"HX-Request": "true"})
    assert response.status_code == 200
    html = response.get_data(as_text=True)
    assert "<html" not in html and 'id="push-card"' in html
    assert "Notifications are off on that device." in html
    assert response.headers["HX-Trigger"] == "push-changed"
    assert _count() == 0


def test_the_service_worker_unsubscribes_by_endpoint(push_app, signed_in, org, receiver, browser):
    phone = subscribe(org.staff, browser, receiver, "/push/phone")
    response = signed_in.post(UNSUBSCRIBE, json={"endpoint": phone.endpoint})
    assert response.status_code == 200 and response.json == {"removed": True}
    assert _count() == 0
    assert signed_in.post(UNSUBSCRIBE, json={"nope": 1}).status_code == 400


def test_someone_elses_subscription_is_a_404_and_stays(push_app, signed_in, org, receiver, browser):
    theirs = subscribe(org.colleague, browser, receiver, "/push/theirs")
    theirs_id, theirs_endpoint = theirs.id, theirs.endpoint
    assert signed_in.post(UNSUBSCRIBE, data={"subscription_id": str(theirs_id)}).status_code == 404
    assert signed_in.post(UNSUBSCRIBE, data={"subscription_id": str(theirs_id)},
                          headers={"HX-Request": "true"}).status_code == 404
    assert signed_in.post(UNSUBSCRIBE, json={"endpoint": theirs_endpoint}).status_code == 404
    assert signed_in.post(UNSUBSCRIBE, data={"subscription_id": "999999"}).status_code == 404
    assert _count(org.colleague) == 1


def test_unsubscribe_without_a_device_says_so(push_app, signed_in):
    response = signed_in.post(UNSUBSCRIBE, data={})
    assert response.status_code == 303
    fragment = signed_in.post(UNSUBSCRIBE, data={}, headers={"HX-Request": "true"})
    assert fragment.status_code == 422 and "Choose a device to turn off." in fragment.get_data(as_text=True)


def test_unsubscribe_without_csrf_is_refused(push_app, signed_in, org, receiver, browser):
    phone = subscribe(org.staff, browser, receiver)
    assert signed_in.post(UNSUBSCRIBE, data={"subscription_id": str(phone.id)}, csrf=False).status_code == 400
    assert _count() == 1


@pytest.mark.parametrize(("method", "url"),
                         [("get", "/push/devices"), ("post", SUBSCRIBE), ("post", UNSUBSCRIBE)])
def test_anonymous_visitors_are_sent_to_sign_in(push_app, client, method, url):
    response = getattr(client, method)(url)
    assert response.status_code == 302 and "/login" in response.headers["Location"]


def test_a_person_keeps_at_most_ten_devices(push_app, signed_in, org):
    for n in range(12):
        assert signed_in.post(SUBSCRIBE, json=Browser().subscription(f"{FCM}-{n}")).status_code == 201
    endpoints = set(db.session.scalars(sa.select(PushSubscription.endpoint)))
    assert len(endpoints) == 10 and f"{FCM}-11" in endpoints and f"{FCM}-0" not in endpoints
