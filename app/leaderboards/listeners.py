"""The boards follow the ledger, inside the writer's transaction; the live hints and the "overtaken"
nudges leave after commit."""

from functools import partial

from flask import current_app

from app.core.aftercommit import after_commit
from app.core.realtime import COMPANY_ROOM, district_room, store_room
from app.core.signals import PointsAwarded, PointsReversed, points_awarded, points_reversed
from app.extensions import db
from app.leaderboards import live, overtaken, periods, scores
from app.org.models import Person
from app.points.models import EntryKind


def on_points_awarded(_sender, *, event: PointsAwarded) -> None:
    entry, person = event.entry, event.person
    if entry.kind != EntryKind.EARN or entry.amount <= 0:
        return
    before = scores.week_score(person, entry.created_at)
    new_points = scores.move(person, entry.amount, bucket_time=entry.created_at,
                             changed_at=entry.created_at)[periods.WEEK]
    passed = [(other.person_id, new_points - other.points + 1)  # as many points reached later rank below
              for other in scores.overtaken_by(person, entry.created_at, before, new_points)]
    if passed:
        overtaken.announce(person, entry.created_at, passed)
    _announce(person)


def on_points_reversed(_sender, *, event: PointsReversed) -> None:
    original = event.original
    if original.kind != EntryKind.EARN:
        return  # a refused redemption gives spendable points back: nothing was earned
    person = db.session.get(Person, original.person_id)
    # The points leave the period they were earned in, whenever the correction is made.
    scores.move(person, event.reversal.amount, bucket_time=original.created_at,
                changed_at=event.reversal.created_at)
    _announce(person)


def _announce(person: Person) -> None:
    store_id, district_id = scores.board_home(person)
    rooms = [COMPANY_ROOM]
    if store_id is not None:
        rooms.append(store_room(store_id))
    if district_id is not None:
        rooms.append(district_room(district_id))
    interval = current_app.config.get("LEADERBOARD_LIVE_INTERVAL", live.DEFAULT_INTERVAL)
    after_commit(partial(live.board_changed, rooms, interval))


def connect() -> None:
    points_awarded.connect(on_points_awarded)
    points_reversed.connect(on_points_reversed)
