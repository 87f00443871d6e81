"""Pushes leave only from the job, really encrypted, to a push service played by a local receiver."""

import sqlalchemy as sa
from py_vapid import Vapid02

from app import nudges
from app.extensions import db
from app.jobs import huey
from app.jobs.models import JobFailure
from app.nudges.delivery import deliver_push
from app.nudges.models import Notification, NotificationDelivery, PushStatus
from app.push.models import PushSubscription
from app.push.vapid import public_key
from tests.push.support import run_due_retries, subscribe


def _nudge(person, badge: str = "Team player") -> int:
    notification_id = nudges.send(person.id, "badge_earned", "/badges/", badge=badge).id
    db.session.commit()  # after commit, the job runs (inline: immediate mode in tests)
    return notification_id


def _push(notification_id: int) -> tuple[str, str | None]:
    """(push status, note), read without keeping a transaction open (SQLite: jobs need the write lock)."""
    row = db.session.execute(sa.select(Notification.push_status, Notification.push_note)
                             .where(Notification.id == notification_id)).one()
    db.session.rollback()
    return row.push_status, row.push_note


def test_the_payload_is_encrypted_and_decrypts_to_exactly_what_the_notification_shows(push_app, org, receiver,
                                                                                      browser):
    subscribe(org.staff, browser, receiver)
    notification_id = _nudge(org.staff, badge="Team player")

    [request] = receiver.wait_for(1)
    assert request.headers["content-encoding"] == "aes128gcm"
    assert int(request.headers["ttl"]) > 0
    assert request.headers["urgency"] == "normal"
    assert b"Team player" not in request.body  # encrypted on the wire
    payload = browser.decrypt(request.body)
    assert payload == {"title": "New badge: Team player", "body": "It's on your badge wall now.",
                       "url": f"/notifications/{notification_id}", "tag": "badge_earned"}

    # Signed with the key the page hands to the browser.
    authorization = request.headers["authorization"]
    assert authorization.startswith("vapid t=")
    assert f"k={public_key()}" in authorization
    assert Vapid02.verify(authorization)

    assert _push(notification_id) == (PushStatus.SENT, None)
    assert db.session.get(Notification, notification_id).pushed_at is not None
    assert db.session.scalar(sa.select(sa.func.count()).select_from(NotificationDelivery)) == 1


def test_gone_subscriptions_are_deleted(push_app, org, receiver, browser):
    for path, status in (("/push/a", 410), ("/push/b", 404)):
        subscribe(org.staff, browser, receiver, path)
        receiver.respond_with(status)
        notification_id = _nudge(org.staff)
        assert _push(notification_id)[0] == PushStatus.SKIPPED
        assert _push(notification_id)[1] == "no_device"
    assert db.session.scalar(sa.select(sa.func.count()).select_from(PushSubscription)) == 0
    assert not huey.scheduled()  # nothing to retry


def test_a_server_error_is_retried_with_back_off_then_delivered(push_app, org, receiver, browser):
    subscription = subscribe(org.staff, browser, receiver)
    receiver.respond_with(500)
    notification_id = _nudge(org.staff)

    assert len(receiver.wait_for(1)) == 1
    assert _push(notification_id)[0] == PushStatus.QUEUED  # not given up, not dropped
    [retry] = huey.scheduled()
    assert retry.retries == 4 and retry.retry_delay == 60  # 30 s first, then doubling
    assert db.session.get(PushSubscription, subscription.id) is not None

    assert run_due_retries() == 1
    assert len(receiver.received) == 2
    assert browser.decrypt(receiver.received[1].body)["title"] == "New badge: Team player"
    assert _push(notification_id)[0] == PushStatus.SENT


def test_too_many_requests_and_unavailable_are_retried_too(push_app, org, receiver, browser):
    subscribe(org.staff, browser, receiver)
    receiver.respond_with(429, 503)
    notification_id = _nudge(org.staff)
    assert run_due_retries() == 2
    assert len(receiver.received) == 3
    assert _push(notification_id)[0] == PushStatus.SENT


def test_an_unreachable_push_service_times_out_and_is_retried(push_app, org, receiver, browser):
    push_app.config["PUSH_READ_TIMEOUT"] = 0.2
    receiver.delay = 1.0
    subscribe(org.staff, browser, receiver)
    notification_id = _nudge(org.staff)
    assert _push(notification_id)[0] == PushStatus.QUEUED
    assert "retrying" in _push(notification_id)[1]
    assert len(huey.scheduled()) == 1

    receiver.delay = 0
    run_due_retries()
    assert _push(notification_id)[0] == PushStatus.SENT


def test_a_refused_connection_is_retried(push_app, org, browser, receiver):
    receiver.stop()  # nothing listens on that port any more
    subscribe(org.staff, browser, receiver)
    notification_id = _nudge(org.staff)
    assert _push(notification_id)[0] == PushStatus.QUEUED
    assert len(huey.scheduled()) == 1


def test_a_poisoned_push_is_parked_after_its_last_retry(push_app, org, receiver, browser):
    receiver.default_status = 500
    subscribe(org.staff, browser, receiver)
    notification_id = _nudge(org.staff)
    assert run_due_retries() == 5
    assert len(receiver.received) == 6  # the first attempt and five retries
    assert not huey.scheduled()

    status, note = _push(notification_id)
    assert status == PushStatus.FAILED and note.startswith("gave up")
    [failure] = db.session.scalars(sa.select(JobFailure)).all()
    assert failure.task_name.endswith("deliver_push")
    assert failure.arguments == {"args": [notification_id], "kwargs": {}}
    assert "PushNotDelivered" in failure.error and "Traceback" in failure.details


def test_a_rejected_push_is_not_retried_and_keeps_the_subscription(push_app, org, receiver, browser):
    subscription = subscribe(org.staff, browser, receiver)
    receiver.respond_with(400)
    notification_id = _nudge(org.staff)
    assert _push(notification_id)[0] == PushStatus.FAILED
    assert not huey.scheduled()
    assert db.session.get(PushSubscription, subscription.id) is not None


def test_running_the_job_again_sends_once(push_app, org, receiver, browser):
    subscribe(org.staff, browser, receiver)
    notification_id = _nudge(org.staff)
    for _ in range(3):
        deliver_push(notification_id)
        deliver_push.call_local(notification_id)
    assert len(receiver.wait_for(1)) == 1
    assert len(receiver.received) == 1


def test_a_retry_only_goes_to_the_devices_that_missed_it(push_app, org, receiver, browser):
    subscribe(org.staff, browser, receiver, "/push/phone")
    subscribe(org.staff, browser, receiver, "/push/tablet")
    receiver.statuses.extend([201, 500])  # the phone gets it, the tablet's service fails once
    notification_id = _nudge(org.staff)
    assert _push(notification_id)[0] == PushStatus.QUEUED
    run_due_retries()
    assert len(receiver.to("/push/phone")) == 1
    assert len(receiver.to("/push/tablet")) == 2
    assert _push(notification_id)[0] == PushStatus.SENT


def test_every_device_of_the_person_gets_it_and_nobody_else(push_app, org, receiver, browser):
    subscribe(org.staff, browser, receiver, "/push/phone")
    subscribe(org.staff, browser, receiver, "/push/tablet")
    subscribe(org.colleague, browser, receiver, "/push/colleague")
    _nudge(org.staff)
    assert sorted(r.path for r in receiver.wait_for(2)) == ["/push/phone", "/push/tablet"]


def test_a_person_without_devices_gets_the_notification_in_the_app_only(push_app, org, receiver):
    notification_id = _nudge(org.staff)
    assert _push(notification_id)[0] == PushStatus.SKIPPED
    assert _push(notification_id)[1] == "no_device"
    assert receiver.received == []
