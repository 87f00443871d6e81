"""Periodic jobs: release held pushes, the time-based nudges (streak at risk, missions due tomorrow) at
the right local hour in every store's time zone, the managers' weekly digest, and pruning.

Every one is idempotent: the nudges carry a dedupe key naming the event (person and day), so a second
run within the hour, or a second consumer, nudges nobody twice."""

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

def _people_in_zone(name: str, default: str) -> sa.ColumnElement:
    """People whose day follows zone `name`: its stores' people, and storeless people if it's the default."""
    stores = sa.select(Store.id).where(Store.timezone == name)
    condition = Person.store_id.in_(stores)
    if name == default:
        condition = sa.or_(condition, Person.store_id.is_(None))
    return sa.and_(Person.active.is_(True), condition)


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

def nudge_streaks_at_risk(in_zone: sa.ColumnElement, today: date) -> int:
    """People with a live streak and nothing done yet today (app.streaks decides "at risk")."""
    from app.streaks.models import Streak
    from app.streaks.queries import streak_status

    candidates = db.session.scalars(sa.select(Person).join(Streak, Streak.person_id == Person.id).where(
        in_zone, Streak.current > 0, Streak.last_active_on < today,
        Streak.last_active_on >= today - timedelta(days=8))).all()  # older streaks are broken anyway
    sent = 0
    for person in candidates:
        status = streak_status(person, today=today)
        if not status.at_risk:
            continue
        if services.send(person.id, "streak_at_risk", services.path_for("streaks.index"),
                         dedupe_key=f"streak_at_risk:{person.id}:{today.isoformat()}", days=status.current):
            sent += 1
    return sent


# Missions due tomorrow ----------------------------------------------------------------------------

def nudge_missions_due(in_zone: sa.ColumnElement, due: date) -> int:
    """One nudge per person listing their open missions due on `due`."""
    from app.missions.models import AssignmentStatus, Mission, MissionAssignment

    rows = db.session.execute(
        sa.select(MissionAssignment.person_id, Mission.title)
        .join(Mission, Mission.id == MissionAssignment.mission_id)
        .join(Person, Person.id == MissionAssignment.person_id)
        .where(in_zone, MissionAssignment.status == AssignmentStatus.OPEN, MissionAssignment.due_date == due,
               Mission.active.is_(True))
        .order_by(MissionAssignment.person_id, Mission.title)).all()
    titles: dict[int, list[str]] = defaultdict(list)
    for person_id, title in rows:
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
    from app.core.authz import managed_people, store_ids_in_scope

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
        figures = digest_figures(manager, store_ids, start, end, managed_people)
        stores = " · ".join(f"{name} {points}" for name, points in figures["by_store"]) or "–"
        if services.send(manager.id, "weekly_digest", services.path_for("home.index"),
                         dedupe_key=f"weekly_digest:{manager.id}:{week.year}-W{week.week:02d}",
                         points=figures["points"], stores=stores, signoffs=figures["signoffs"],
                         disputes=figures["disputes"]):
            sent += 1
    db.session.commit()
    return sent


def digest_figures(manager: Person, store_ids: set[int], start: datetime, end: datetime,
                   managed_people) -> dict:
    """Points earned per store (from the ledger), sign-offs and questions about points waiting."""
    from app.missions.models import MissionSubmission, SubmissionStatus
    from app.points.models import DisputeStatus, EntryKind, PointDispute, PointEntry

    by_store = db.session.execute(
        sa.select(Store.name, sa.func.coalesce(sa.func.sum(PointEntry.amount), 0))
        .select_from(Store).outerjoin(PointEntry, sa.and_(
            PointEntry.store_id == Store.id, PointEntry.kind == EntryKind.EARN,
            PointEntry.created_at >= start, PointEntry.created_at < end))
        .where(Store.id.in_(store_ids)).group_by(Store.id, Store.name).order_by(Store.name)).all()
    signoffs = db.session.scalar(
        sa.select(sa.func.count(MissionSubmission.id)).join(Person, Person.id == MissionSubmission.person_id)
        .where(MissionSubmission.status == SubmissionStatus.PENDING, Person.store_id.in_(store_ids)))
    team = managed_people(manager).with_only_columns(Person.id)
    disputes = db.session.scalar(sa.select(sa.func.count(PointDispute.id)).where(
        PointDispute.status == DisputeStatus.OPEN, PointDispute.person_id.in_(team)))
    return {"by_store": [(name, int(points)) for name, points in by_store],
            "points": sum(int(points) for _, points in by_store), "signoffs": signoffs, "disputes": disputes}
