"""Read models for the notification centre and the bell."""

from functools import partial

import sqlalchemy as sa

from app.core.shortcache import ShortCache
from app.extensions import db
from app.nudges.models import Notification

PAGE = 30


def unread_count(person_id: int) -> int:
    return db.session.scalar(sa.select(sa.func.count(Notification.id)).where(
        Notification.person_id == person_id, Notification.read_at.is_(None)))


# The bell is on every page: its count is kept a few seconds per person (app/core/shortcache.py). The
# person's own changes (a nudge sent to them, reading one, "mark all read") forget it through the
# services; a nudge written by another process (a job) shows within SHORT_CACHE_SECONDS, or at once
# where its live hint makes the bell fetch itself (`fresh_unread_count`).
_UNREAD = ShortCache("nudges.unread")


def cached_unread_count(person_id: int) -> int:
    return _UNREAD.get(person_id, partial(unread_count, person_id))


def fresh_unread_count(person_id: int) -> int:
    """Read now and kept: the bell's own refresh, which runs because something changed."""
    count = unread_count(person_id)
    _UNREAD.put(person_id, count)
    return count


def forget_unread_count(person_id: int) -> None:
    """The person's unread notifications change in this transaction: their next page counts again."""
    _UNREAD.forget_after_commit(person_id)


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
