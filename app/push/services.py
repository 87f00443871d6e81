"""Subscribing and unsubscribing devices. Plain arguments; flushes, the caller commits."""

import base64
import binascii
import re

import sqlalchemy as sa
from flask_babel import gettext as _

from app.core.errors import ServiceError
from app.extensions import db
from app.org.models import Person
from app.push.endpoints import check_endpoint
from app.push.models import PushSubscription

MAX_DEVICES = 10


def _b64url(value: object, length: int, what: str) -> str:
    if not isinstance(value, str) or not value or len(value) > 200:
        raise ServiceError(_("The subscription's %(what)s key is missing.", what=what))
    try:
        standard = value.rstrip("=").replace("-", "+").replace("_", "/")
        raw = base64.b64decode(standard + "=" * (-len(standard) % 4), validate=True)
    except (binascii.Error, ValueError) as error:
        raise ServiceError(_("The subscription's %(what)s key isn't valid base64url.", what=what)) from error
    if len(raw) != length or (what == "p256dh" and raw[0] != 4):
        raise ServiceError(_("The subscription's %(what)s key has the wrong length.", what=what))
    return value.rstrip("=")


def parse(data: object) -> tuple[str, str, str]:
    """(endpoint, p256dh, auth) from a PushSubscription's toJSON(), or a ServiceError saying what's wrong."""
    if not isinstance(data, dict):
        raise ServiceError(_("Send the subscription as a JSON object."))
    keys = data.get("keys")
    if not isinstance(keys, dict):
        raise ServiceError(_("The subscription has no keys."))
    return (check_endpoint(data.get("endpoint")), _b64url(keys.get("p256dh"), 65, "p256dh"),
            _b64url(keys.get("auth"), 16, "auth"))


def device_label(user_agent: str) -> str:
    """"Chrome on Android": enough for a person to tell their devices apart."""
    ua = user_agent or ""
    browser = next((name for pattern, name in (
        (r"Edg/", "Edge"), (r"SamsungBrowser", "Samsung Internet"), (r"Firefox/", "Firefox"),
        (r"Chrome/|CriOS/", "Chrome"), (r"Safari/", "Safari")) if re.search(pattern, ua)), "")
    system = next((name for pattern, name in (
        (r"Android", "Android"), (r"iPhone", "iPhone"), (r"iPad", "iPad"), (r"Windows", "Windows"),
        (r"Mac OS X|Macintosh", "Mac"), (r"CrOS", "ChromeOS"), (r"Linux", "Linux"))
        if re.search(pattern, ua)), "")
    if browser and system:
        return _("%(browser)s on %(system)s", browser=browser, system=system)[:80]
    return (browser or system or _("This browser"))[:80]


def subscribe(person: Person, data: object, user_agent: str = "") -> PushSubscription:
    """Store (or refresh) this device's subscription for `person`. The same endpoint is the same device:
    if someone else had it (a shared tablet), it is now `person`'s."""
    endpoint, p256dh, auth = parse(data)
    values = {"person_id": person.id, "p256dh": p256dh, "auth": auth, "device": device_label(user_agent)}
    subscription = db.session.scalar(sa.select(PushSubscription).where(PushSubscription.endpoint == endpoint))
    if subscription is None:
        subscription = PushSubscription(endpoint=endpoint, **values)
        db.session.add(subscription)
    else:
        for name, value in values.items():
            setattr(subscription, name, value)
    db.session.flush()
    _forget_oldest(person.id)
    return subscription


def _forget_oldest(person_id: int) -> None:
    keep = sa.select(PushSubscription.id).where(PushSubscription.person_id == person_id).order_by(
        PushSubscription.created_at.desc(), PushSubscription.id.desc()).limit(MAX_DEVICES)
    db.session.execute(sa.delete(PushSubscription).where(
        PushSubscription.person_id == person_id, PushSubscription.id.not_in(keep.scalar_subquery())),
        execution_options={"synchronize_session": False})


def own_subscription(person: Person, *, subscription_id: int | None = None,
                     endpoint: str | None = None) -> PushSubscription | None:
    """One of `person`'s devices, or None: someone else's subscription is as good as missing."""
    query = sa.select(PushSubscription).where(PushSubscription.person_id == person.id)
    if subscription_id is not None:
        return db.session.scalar(query.where(PushSubscription.id == subscription_id))
    if endpoint:
        return db.session.scalar(query.where(PushSubscription.endpoint == endpoint))
    return None


def unsubscribe(subscription: PushSubscription) -> None:
    db.session.delete(subscription)
    db.session.flush()


def devices(person: Person) -> list[PushSubscription]:
    return list(db.session.scalars(sa.select(PushSubscription).where(PushSubscription.person_id == person.id)
                                   .order_by(PushSubscription.created_at.desc(), PushSubscription.id.desc())))
