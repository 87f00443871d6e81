"""The boards follow the ledger, inside the writer's transaction; the hints leave after commit."""

from datetime import timedelta
from functools import partial

from flask import current_app
from flask_babel import force_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l

from app import nudges
from app.core.aftercommit import after_commit
from app.core.realtime import COMPANY_ROOM, district_room, notify, person_room, store_room
from app.core.signals import points_awarded, points_reversed
from app.core.timezones import local_date, zone_for
from app.extensions import db
from app.leaderboards import live, periods, scores
from app.org.models import Person, Role
from app.points.models import EntryKind

OVERTAKEN = "overtaken"

nudges.register_nudge_type(
    OVERTAKEN, label=_l("Someone passes me on the store board"),
    title=_l("%(name)s just passed you"), body=_l("%(gap)s points take your place back on this week's board."),
    tag="overtaken", fresh_for=timedelta(hours=2), roles=(Role.STAFF, Role.STORE_MANAGER), order=70)


@points_awarded.connect
def _on_award(_sender, *, entry, person, **_extra) -> None:
    if entry.kind != EntryKind.EARN or entry.amount <= 0:
        return
    before = scores.week_score(person, entry.created_at)
    new_points = scores.move(person, entry.amount, bucket_time=entry.created_at,
                             changed_at=entry.created_at)[periods.WEEK]
    for passed in scores.overtaken_by(person, entry.created_at, before, new_points):
        _tell_overtaken(passed, person, entry, new_points)
    _announce(person)


@points_reversed.connect
def _on_reversal(_sender, *, entry, original, **_extra) -> None:
    if original.kind != EntryKind.EARN:
        return  # a refused redemption gives spendable points back: nothing was earned
    person = db.session.get(Person, original.person_id)
    # The points leave the period they were earned in, whenever the correction is made.
    scores.move(person, entry.amount, bucket_time=original.created_at, changed_at=entry.created_at)
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


def _tell_overtaken(passed: scores.Overtaken, scorer: Person, entry, new_points: int) -> None:
    other = db.session.get(Person, passed.person_id)
    gap = new_points - passed.points + 1  # as many points reached later still rank below
    day = local_date(entry.created_at, zone_for(other))
    nudges.send(other.id, OVERTAKEN, nudges.path_for("leaderboards.board"),
                dedupe_key=f"{OVERTAKEN}:{other.id}:{day.isoformat()}", name=scorer.display_name, gap=gap)
    with force_locale(other.locale):
        message = _("%(name)s just passed you on the store board: %(gap)d points take your place back.",
                    name=scorer.display_name, gap=gap)
    after_commit(partial(notify, person_room(other.id), OVERTAKEN,
                         {"name": scorer.display_name, "gap": gap, "message": message}))
