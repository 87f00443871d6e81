"""The push job: decide whether a notification is pushed now, later or not at all, then send it to each
of the person's devices. Safe to run any number of times: a notification that is no longer queued is left
alone, and a device that already got it is skipped.

No database transaction stays open while the push services answer: the decision commits first, the
sends run, and their outcomes are recorded in a second short transaction."""

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa

from app.core.database import dialect_insert
from app.core.models import utcnow
from app.core.timezones import local_time, to_utc, zone_for
from app.extensions import db
from app.jobs import attempts_left, job
from app.nudges import registry, services
from app.nudges.models import Notification, NotificationDelivery, PushStatus
from app.nudges.timing import local_day_start
from app.org.models import Person
from app.push import sender
from app.push.models import PushSubscription

log = logging.getLogger(__name__)


class PushNotDelivered(Exception):
    """Some devices' push services asked us to come back later (429, 5xx, timeout): Huey retries."""


@job()
def deliver_push(notification_id: int) -> str:
    return deliver(notification_id)


@dataclass(frozen=True)
class Decision:
    status: str
    note: str | None = None
    hold_until: datetime | None = None


def _decide(notification: Notification, person: Person, has_devices: bool, now: datetime) -> Decision | None:
    """Why the push must not go out now (held, skipped, capped), or None to send it."""
    kind = registry.find(notification.nudge_type)
    if kind is not None and kind.fresh_for is not None and now - notification.created_at > kind.fresh_for:
        return Decision(PushStatus.SKIPPED, "stale")
    if not services.is_pushed(person.id, notification.nudge_type):
        return Decision(PushStatus.SKIPPED, "turned_off")
    if not has_devices:
        return Decision(PushStatus.SKIPPED, "no_device")
    settings = services.preferences(person.id)
    zone = zone_for(person)
    quiet = settings.active_quiet_hours
    ends = quiet.ends_after(local_time(now, zone)) if quiet else None
    if ends is not None:
        return Decision(PushStatus.HELD, "quiet_hours", to_utc(ends))
    pushed_today = db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.person_id == person.id, Notification.push_status == PushStatus.SENT,
        Notification.pushed_at >= local_day_start(now, zone)))
    if pushed_today >= settings.daily_cap:
        return Decision(PushStatus.CAPPED, "daily_cap")
    return None


def _open_url(notification: Notification) -> str:
    # Through the centre, so tapping the push marks it read there too.
    return services.path_for("nudges.open_notification", notification_id=notification.id)


def deliver(notification_id: int, now: datetime | None = None) -> str:
    """Push one notification; returns its push status afterwards."""
    now = now or utcnow()
    notification = db.session.get(Notification, notification_id)
    if notification is None:
        return "missing"
    if notification.push_status not in (PushStatus.QUEUED, PushStatus.HELD):
        return notification.push_status
    held = notification.push_status == PushStatus.HELD
    if held and notification.hold_until and notification.hold_until > now:
        return notification.push_status
    person = notification.person
    reached = set(db.session.scalars(sa.select(NotificationDelivery.subscription_id).where(
        NotificationDelivery.notification_id == notification.id)))
    devices = [s for s in db.session.scalars(sa.select(PushSubscription).where(
        PushSubscription.person_id == person.id).order_by(PushSubscription.id)) if s.id not in reached]
    if not reached:  # a retry after some devices were reached goes on with the others
        decision = _decide(notification, person, bool(devices), now)
        if decision is not None:
            _settle(notification, decision.status, decision.note, hold_until=decision.hold_until)
            db.session.commit()
            return decision.status
    if not devices:
        _settle(notification, PushStatus.SENT, None, pushed_at=now)
        db.session.commit()
        return PushStatus.SENT
    kind = registry.find(notification.nudge_type)
    urgency = kind.urgency if kind is not None else "normal"
    payload = notification.payload(_open_url(notification))
    targets = [(device.id, device.info()) for device in devices]
    db.session.commit()  # nothing is locked while the push services answer

    results = [(device_id, sender.send(info, payload, urgency=urgency)) for device_id, info in targets]
    return _record(notification_id, results, reached_before=bool(reached), now=now)


def _settle(notification: Notification, status: str, note: str | None, *, hold_until: datetime | None = None,
            pushed_at: datetime | None = None) -> None:
    notification.push_status = status
    notification.push_note = note
    notification.hold_until = hold_until
    if pushed_at is not None:
        notification.pushed_at = pushed_at


def _record(notification_id: int, results: list, *, reached_before: bool, now: datetime) -> str:
    notification = db.session.get(Notification, notification_id)
    delivered = [device_id for device_id, result in results if result.outcome == sender.Outcome.DELIVERED]
    gone = [device_id for device_id, result in results if result.outcome == sender.Outcome.GONE]
    later = [(device_id, result) for device_id, result in results if result.outcome == sender.Outcome.RETRY]
    for device_id, result in results:
        if result.outcome == sender.Outcome.REJECTED:
            log.warning("push service refused notification %s for device %s: %s %s", notification_id,
                        device_id, result.status, result.detail)
    if delivered:
        db.session.execute(dialect_insert(NotificationDelivery).values(
            [{"notification_id": notification_id, "subscription_id": device_id, "delivered_at": now}
             for device_id in delivered]).on_conflict_do_nothing())
        db.session.execute(sa.update(PushSubscription).where(PushSubscription.id.in_(delivered))
                           .values(last_success_at=now), execution_options={"synchronize_session": False})
    if gone:  # 404/410: the browser dropped this subscription; so do we
        log.info("push subscriptions %s are gone: deleting them", gone)
        db.session.execute(sa.delete(PushSubscription).where(PushSubscription.id.in_(gone)),
                           execution_options={"synchronize_session": False})
    reached = reached_before or bool(delivered)
    if later:
        detail = ", ".join(f"{result.status or result.detail}" for _, result in later)[:180]
        if attempts_left() > 0:
            notification.push_note = f"retrying: {detail}"[:200]
            db.session.commit()
            raise PushNotDelivered(
                f"notification {notification_id}: {len(later)} device(s) to retry ({detail})")
        _settle(notification, PushStatus.SENT if reached else PushStatus.FAILED, f"gave up: {detail}"[:200],
                pushed_at=now if reached else None)
        db.session.commit()
        # The last attempt failed: raising parks the job in job_failures, where an admin sees it.
        raise PushNotDelivered(f"notification {notification_id}: push service still failing ({detail})")
    if reached:
        _settle(notification, PushStatus.SENT, None, pushed_at=now)
    elif gone and len(gone) == len(results):
        _settle(notification, PushStatus.SKIPPED, "no_device")
    else:
        _settle(notification, PushStatus.FAILED, "refused by the push service")
    db.session.commit()
    return notification.push_status


# Held and stuck notifications ------------------------------------------------------------------

STUCK_AFTER = timedelta(hours=1)  # longer than every retry of a job together (about 15 minutes)
GIVE_UP_AFTER = timedelta(days=2)


def release_held(now: datetime | None = None) -> list[int]:
    """Queue again the pushes whose quiet hours are over, and those whose job was lost (the queue was
    unreachable after commit, or a worker died): none stays unsent silently."""
    now = now or utcnow()
    db.session.execute(sa.update(Notification).where(
        Notification.push_status.in_((PushStatus.QUEUED, PushStatus.HELD)),
        Notification.created_at < now - GIVE_UP_AFTER)
        .values(push_status=PushStatus.SKIPPED, push_note="stale"),
        execution_options={"synchronize_session": False})
    due = sa.or_(
        sa.and_(Notification.push_status == PushStatus.HELD, Notification.hold_until <= now),
        sa.and_(Notification.push_status == PushStatus.QUEUED, Notification.queued_at < now - STUCK_AFTER))
    ids = list(db.session.scalars(sa.update(Notification).where(due).values(
        push_status=PushStatus.QUEUED, hold_until=None, queued_at=now).returning(Notification.id),
        execution_options={"synchronize_session": False}))
    db.session.commit()
    for notification_id in ids:
        deliver_push(notification_id)
    return ids
