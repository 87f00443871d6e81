"""Periodic jobs: release held pushes, the time-based nudges (streak at risk, missions due tomorrow) at
the right local hour in every store's time zone, the managers' weekly digest, and pruning.

Every one is idempotent: the nudges carry a dedupe key naming the event (person and day), so a second
run within the hour, or a second consumer, nudges nobody twice. What is due, at risk or waiting is asked of
the features that own it (their `queries`), never read from their tables here."""

import logging
from collections import defaultdict
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from huey import crontab

from app.core.models import utcnow
from app.core.timezones import default_zone_name, local_time, zone_named
from app.extensions import db
from app.jobs import periodic_job
from app.nudges import delivery, services
from app.nudges.models import Notification
from app.org.models import Person, Role, Store

log = logging.getLogger(__name__)
KEEP_NOTIFICATIONS = timedelta(days=90)


@periodic_job(crontab(minute="*/5"))
def release_held_pushes() -> None:
    delivery.release_held()


@periodic_job(crontab(minute="*/15"))
def time_based_nudges() -> None:
    run_time_based(utcnow())


@periodic_job(crontab(day_of_week="1", hour="6", minute="0"))
def weekly_manager_digest() -> None:
    send_weekly_digests(utcnow())


@periodic_job(crontab(hour="3", minute="17"))
def prune_notifications() -> None:
    db.session.execute(sa.delete(Notification).where(Notification.created_at < utcnow() - KEEP_NOTIFICATIONS),
                       execution_options={"synchronize_session": False})
    db.session.commit()


# Time zones ---------------------------------------------------------------------------------------

def _people_in_zone(name: str, default: str) -> sa.Select:
    """The ids of the active people whose day follows zone `name`: its stores' people, and storeless people
    if it's the default."""
    stores = sa.select(Store.id).where(Store.timezone == name)
    condition = Person.store_id.in_(stores)
    if name == default:
        condition = sa.or_(condition, Person.store_id.is_(None))
    return sa.select(Person.id).where(Person.active.is_(True), condition)


def zones_at_hour(now: datetime, hour: int) -> list[tuple[str, date]]:
    """(zone name, local date) of every zone in use where it is now `hour` o'clock."""
    default = default_zone_name()
    names = set(db.session.scalars(sa.select(Store.timezone).distinct())) | {default}
    found = []
    for name in sorted(names):
        local = local_time(now, zone_named(name))
        if local.hour == hour:
            found.append((name, local.date()))
    return found


def run_time_based(now: datetime) -> int:
    config = current_app.config
    default = default_zone_name()
    sent = 0
    for name, today in zones_at_hour(now, config["NUDGE_STREAK_RISK_HOUR"]):
        sent += nudge_streaks_at_risk(_people_in_zone(name, default), today)
    for name, today in zones_at_hour(now, config["NUDGE_DUE_REMINDER_HOUR"]):
        sent += nudge_missions_due(_people_in_zone(name, default), today + timedelta(days=1))
    db.session.commit()
    return sent


# Streak at risk ------------------------------------------------------------------------------------

def nudge_streaks_at_risk(in_zone: sa.Select, today: date) -> int:
    """People with a live streak and nothing done yet today (app.streaks decides "at risk")."""
    from app.streaks.queries import streaks_at_risk

    sent = 0
    for person, status in streaks_at_risk(in_zone, today):
        if services.send(person.id, "streak_at_risk", services.path_for("streaks.index"),
                         dedupe_key=f"streak_at_risk:{person.id}:{today.isoformat()}", days=status.current):
            sent += 1
    return sent


# Missions due tomorrow ----------------------------------------------------------------------------

def nudge_missions_due(in_zone: sa.Select, due: date) -> int:
    """One nudge per person listing their open missions due on `due`."""
    from app.missions.queries import open_missions_due

    titles: dict[int, list[str]] = defaultdict(list)
    for person_id, title in open_missions_due(in_zone, due):
        titles[person_id].append(title)
    sent = 0
    for person_id, names in titles.items():
        listed = ", ".join(f"“{name}”" for name in names[:3]) + (" …" if len(names) > 3 else "")
        if services.send(person_id, "mission_due_tomorrow", services.path_for("missions.index"),
                         dedupe_key=f"mission_due_tomorrow:{person_id}:{due.isoformat()}", missions=listed,
                         count=len(names)):
            sent += 1
    return sent


# Weekly digest for managers ------------------------------------------------------------------------

def last_week(now: datetime) -> tuple[datetime, datetime]:
    """Monday 00:00 to Monday 00:00 (UTC) of the week before `now`'s."""
    monday = (now - timedelta(days=now.weekday() + 7)).replace(hour=0, minute=0, second=0, microsecond=0)
    return monday, monday + timedelta(days=7)


def send_weekly_digests(now: datetime) -> int:
    from app.org.authz import store_ids_in_scope

    start, end = last_week(now)
    week = start.date().isocalendar()
    managers = db.session.scalars(sa.select(Person).where(
        Person.active.is_(True), Person.role.in_((Role.STORE_MANAGER, Role.DISTRICT_MANAGER)))
        .order_by(Person.id)).all()
    sent = 0
    for manager in managers:
        store_ids = store_ids_in_scope(manager) or set()
        if not store_ids:
            continue
        figures = digest_figures(manager, store_ids, start, end)
        stores = " · ".join(f"{name} {points}" for name, points in figures["by_store"]) or "–"
        if services.send(manager.id, "weekly_digest", services.path_for("home.index"),
                         dedupe_key=f"weekly_digest:{manager.id}:{week.year}-W{week.week:02d}",
                         points=figures["points"], stores=stores, signoffs=figures["signoffs"],
                         disputes=figures["disputes"]):
            sent += 1
    db.session.commit()
    return sent


def digest_figures(manager: Person, store_ids: set[int], start: datetime, end: datetime) -> dict:
    """Points earned per store (from the ledger), sign-offs and questions about points waiting."""
    from app.missions.manage_queries import pending_submissions_in_stores
    from app.points.queries import earned_by_store, open_dispute_count

    earned = earned_by_store(store_ids, start, end)
    stores = db.session.execute(sa.select(Store.id, Store.name).where(Store.id.in_(store_ids))
                                .order_by(Store.name)).all()
    by_store = [(name, earned.get(store_id, 0)) for store_id, name in stores]
    return {"by_store": by_store, "points": sum(points for _, points in by_store),
            "signoffs": pending_submissions_in_stores(store_ids), "disputes": open_dispute_count(manager)}
