"""The one way any feature nudges a person, and the person's nudge settings.

`send` writes the in-app notification in the caller's transaction; only after that commits is the push
job queued (a rolled-back change never nudges anyone). Plain arguments; flushes, the caller commits."""

import json
import logging
from dataclasses import dataclass
from datetime import time
from functools import partial

import sqlalchemy as sa
from flask import current_app
from flask_babel import gettext as _
from werkzeug.routing import BuildError

from app.core.aftercommit import after_commit
from app.core.database import dialect_insert
from app.core.errors import ServiceError
from app.core.models import utcnow
from app.extensions import db
from app.nudges import queries, registry
from app.nudges.models import Notification, NudgePreference, NudgeTypeChoice, PushStatus
from app.nudges.registry import Nudge
from app.nudges.timing import QuietHours, parse_clock
from app.org.models import Person

log = logging.getLogger(__name__)


def path_for(endpoint: str, **values) -> str:
    """A path inside the app, built without a request (jobs, CLI): what `url` in `send` wants."""
    root = current_app.config.get("APPLICATION_ROOT") or "/"
    adapter = current_app.url_map.bind("localhost", script_name=root)
    try:
        return adapter.build(endpoint, values)
    except BuildError:
        log.warning("no route %s for a nudge: linking home instead", endpoint)
        return adapter.build("home.index", {})


def _json_safe(params: dict) -> dict:
    safe = {}
    for key, value in params.items():
        try:
            json.dumps(value)
        except (TypeError, ValueError):
            value = str(value)
        safe[key] = value
    return safe


def send(person_id: int, nudge_type: str, url: str, *, dedupe_key: str | None = None,
         **params) -> Notification | None:
    """Nudge a person: an in-app notification now, a push (subject to their settings) after commit.

    `url` is a path inside the app (see `path_for`). `params` fill the type's %(placeholders)s; lazy
    strings among them are rendered in the person's language. With `dedupe_key`, the same event never
    nudges twice (None is returned the second time). Inactive or unknown people get nothing."""
    kind = registry.get(nudge_type)
    if not url.startswith("/") or url.startswith("//") or "\\" in url:
        raise ValueError("a nudge links inside the app: pass a path such as /missions/12")
    person = db.session.get(Person, person_id)
    if person is None or not person.active:
        return None
    title, body, tag, rendered = kind.render(params, person.locale)
    now = utcnow()
    values = {"person_id": person.id, "nudge_type": kind.key, "title": title, "body": body, "url": url[:500],
              "tag": tag, "params": _json_safe(rendered), "dedupe_key": dedupe_key, "created_at": now,
              "push_status": PushStatus.QUEUED, "queued_at": now}
    if dedupe_key is None:
        notification = Notification(**values)
        db.session.add(notification)
        db.session.flush()
    else:
        new_id = db.session.execute(dialect_insert(Notification).values(**values)
                                    .on_conflict_do_nothing(index_elements=["dedupe_key"])
                                    .returning(Notification.id)).scalar()
        if new_id is None:
            return None
        notification = db.session.get(Notification, new_id)
    queries.forget_unread_count(person.id)
    after_commit(partial(_queue_push, notification.id))
    after_commit(partial(_tell_open_pages, person.id))
    return notification


_RECIPIENTS = sa.select(Person.id, Person.locale).where(
    Person.id.in_(sa.bindparam("ids", expanding=True)), Person.active.is_(True))


def send_many(batch: list[Nudge]) -> list[int]:
    """`send` for many nudges at once: the people read in one query, the notifications written in one
    multi-row insert; what `send` does for each, otherwise. The ids of the notifications written (a
    dedupe key already used, an inactive or unknown person: nothing)."""
    if not batch:
        return []
    for nudge in batch:
        if not nudge.url.startswith("/") or nudge.url.startswith("//") or "\\" in nudge.url:
            raise ValueError("a nudge links inside the app: pass a path such as /missions/12")
    locales = dict(db.session.execute(_RECIPIENTS, {"ids": sorted({n.person_id for n in batch})}).all())
    now = utcnow()
    rows = []
    for nudge in batch:
        if nudge.person_id not in locales:
            continue
        kind = registry.get(nudge.nudge_type)
        title, body, tag, rendered = kind.render(nudge.params, locales[nudge.person_id])
        rows.append({"person_id": nudge.person_id, "nudge_type": kind.key, "title": title, "body": body,
                     "url": nudge.url[:500], "tag": tag, "params": _json_safe(rendered),
                     "dedupe_key": nudge.dedupe_key, "created_at": now, "push_status": PushStatus.QUEUED,
                     "queued_at": now})
    if not rows:
        return []
    written = db.session.execute(dialect_insert(Notification).values(rows)
                                 .on_conflict_do_nothing(index_elements=["dedupe_key"])
                                 .returning(Notification.id, Notification.person_id)).all()
    for notification_id, person_id in written:
        after_commit(partial(_queue_push, notification_id))
        after_commit(partial(_tell_open_pages, person_id))
    return [notification_id for notification_id, _person_id in written]


def _queue_push(notification_id: int) -> None:
    # If the queue is unreachable now, the notification stays "queued" and the sweeper in
    # app/nudges/schedule.py queues it again later.
    from app.nudges.delivery import deliver_push

    deliver_push(notification_id)


def _tell_open_pages(person_id: int) -> None:
    from app.core.realtime import notify, person_room

    notify(person_room(person_id), "notifications-changed")


# Reading ---------------------------------------------------------------------------------------

def mark_read(person: Person, notification: Notification) -> None:
    if notification.person_id != person.id:
        raise ServiceError(_("That notification isn't yours."))
    if notification.read_at is None:
        notification.read_at = utcnow()
        db.session.flush()
        queries.forget_unread_count(person.id)


def mark_all_read(person: Person) -> int:
    queries.forget_unread_count(person.id)
    return db.session.execute(
        sa.update(Notification).where(Notification.person_id == person.id, Notification.read_at.is_(None))
        .values(read_at=utcnow()), execution_options={"synchronize_session": False}).rowcount


# Settings --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Preferences:
    quiet_hours_on: bool
    quiet: QuietHours
    daily_cap: int

    @property
    def active_quiet_hours(self) -> QuietHours | None:
        return self.quiet if self.quiet_hours_on else None


def defaults() -> Preferences:
    config = current_app.config
    quiet = QuietHours(parse_clock(config["NUDGE_QUIET_START"]), parse_clock(config["NUDGE_QUIET_END"]))
    return Preferences(True, quiet, config["NUDGE_DAILY_PUSH_CAP"])


def preferences(person_id: int) -> Preferences:
    row = db.session.get(NudgePreference, person_id)
    if row is None:
        return defaults()
    return Preferences(row.quiet_hours, QuietHours(row.quiet_start, row.quiet_end), row.daily_cap)


def pushed_types(person: Person) -> dict[str, bool]:
    """For every type the person can receive: whether it is pushed (their choice, else the default)."""
    chosen = dict(db.session.execute(sa.select(NudgeTypeChoice.nudge_type, NudgeTypeChoice.pushed)
                                     .where(NudgeTypeChoice.person_id == person.id)).all())
    return {t.key: chosen.get(t.key, t.default_on) for t in registry.types_for(person.role)}


def is_pushed(person_id: int, nudge_type: str) -> bool:
    chosen = db.session.scalar(sa.select(NudgeTypeChoice.pushed).where(
        NudgeTypeChoice.person_id == person_id, NudgeTypeChoice.nudge_type == nudge_type))
    if chosen is not None:
        return chosen
    kind = registry.find(nudge_type)
    return kind.default_on if kind is not None else True


MAX_DAILY_CAP = 20


def save_preferences(person: Person, *, pushed: set[str], quiet_hours: bool, quiet_start: time,
                     quiet_end: time, daily_cap: int) -> None:
    """Store the person's choices for every type they can receive, their quiet hours and daily cap."""
    if quiet_hours and quiet_start == quiet_end:
        raise ServiceError(_("Quiet hours need different start and end times."), field="quiet_end")
    if not 0 <= daily_cap <= MAX_DAILY_CAP:
        raise ServiceError(_("Choose between 0 and %(n)d pushes a day.", n=MAX_DAILY_CAP), field="daily_cap")
    keys = [t.key for t in registry.types_for(person.role)]
    db.session.execute(sa.delete(NudgeTypeChoice).where(NudgeTypeChoice.person_id == person.id,
                                                         NudgeTypeChoice.nudge_type.in_(keys)),
                       execution_options={"synchronize_session": False})
    db.session.add_all(NudgeTypeChoice(person_id=person.id, nudge_type=key, pushed=key in pushed)
                       for key in keys)
    row = db.session.get(NudgePreference, person.id)
    if row is None:
        row = NudgePreference(person_id=person.id)
        db.session.add(row)
    row.quiet_hours, row.quiet_start, row.quiet_end = quiet_hours, quiet_start, quiet_end
    row.daily_cap = daily_cap
    db.session.flush()
