"""Read models for the notification centre and the bell."""

import sqlalchemy as sa
from flask import has_request_context, request

from app.extensions import db
from app.nudges.models import Notification

PAGE = 30


def unread_count(person_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.person_id == person_id, Notification.read_at.is_(None)))


_CACHE_KEY = "ascent.nudge_unread"


def cached_unread_count(person_id: int) -> int:
    """Once per request however many templates ask (kept on the request: tests share one `g`)."""
    if not has_request_context():
        return unread_count(person_id)
    cache = request.environ.setdefault(_CACHE_KEY, {})
    if person_id not in cache:
        cache[person_id] = unread_count(person_id)
    return cache[person_id]


def forget_unread_count() -> None:
    if has_request_context():
        request.environ.pop(_CACHE_KEY, None)


def page(person_id: int, before_id: int | None = None,
         size: int = PAGE) -> tuple[list[Notification], int | None]:
    """Newest first; the id to continue from, or None at the end."""
    query = sa.select(Notification).where(Notification.person_id == person_id)
    if before_id is not None:
        query = query.where(Notification.id < before_id)
    rows = list(db.session.scalars(query.order_by(Notification.id.desc()).limit(size + 1)))
    more = len(rows) > size
    rows = rows[:size]
    return rows, rows[-1].id if more else None


def own_notification(person_id: int, notification_id: int) -> Notification | None:
    return db.session.scalar(sa.select(Notification).where(
        Notification.id == notification_id, Notification.person_id == person_id))
