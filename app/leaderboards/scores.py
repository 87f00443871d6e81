"""Writes to the board read model: period scores moved inside the award's transaction, a bulk rebuild
from the ledger, and the privacy setting. Plain arguments; flush, the caller commits."""

from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa

from app.core.database import dialect_insert, prepared
from app.core.models import utcnow
from app.core.timezones import zone_for, zone_named
from app.extensions import db
from app.leaderboards import periods
from app.leaderboards.models import BoardPoints, BoardPrivacy, BoardScore
from app.org.models import Person, Store
from app.points import windows

REBUILD_BATCH = 5000


@dataclass(frozen=True)
class Overtaken:
    person_id: int
    points: int  # their week score, now below the scorer's


def board_home(person: Person) -> tuple[int | None, int | None]:
    """(store_id, district_id) the person's scores count for."""
    if person.store is not None:
        return person.store_id, person.store.district_id
    return None, person.district_id


def move(person: Person, delta: int, *, bucket_time: datetime, changed_at: datetime) -> dict[str, int]:
    """Add `delta` to the person's score in every period `bucket_time` falls in (store-local time).
    Atomic `points = points + :delta` upserts: exact under concurrent awards to the same person.
    Returns the new score per period (the rows stay locked until commit, so they remain exact)."""
    store_id, district_id = board_home(person)
    rows = [{"person_id": person.id, "period": period, "period_start": start, "store_id": store_id,
             "district_id": district_id, "points": delta, "reached_at": changed_at, "active": person.active,
             "privacy_of": person.id}
            for period, start in periods.starts(bucket_time, zone_for(person)).items()]
    returned = db.session.execute(_score_upsert(), rows)
    return {period: points for period, points in returned}


def _score_upsert() -> sa.Insert:
    """The period-score upsert, built once per dialect and sent with the three rows as parameters:
    SQLAlchemy batches them into one multi-row INSERT (one round trip) whose compiled form it caches,
    where a statement built with `.values(rows)` was compiled anew on every award."""
    return prepared("board_score_upsert", _build_score_upsert)


def _build_score_upsert() -> sa.Insert:
    # A new row (the period's first points) takes the privacy setting in the same statement: a subquery,
    # not a query of its own.
    statement = dialect_insert(BoardScore.__table__).values(hidden_wide=_hidden(sa.bindparam("privacy_of")))
    # `excluded` is the row that would have been inserted.
    return statement.on_conflict_do_update(
        index_elements=["person_id", "period", "period_start"],
        set_={"points": BoardScore.__table__.c.points + statement.excluded.points,
              "store_id": statement.excluded.store_id, "district_id": statement.excluded.district_id,
              "reached_at": statement.excluded.reached_at, "active": statement.excluded.active,
              "hidden_wide": statement.excluded.hidden_wide},
    ).returning(BoardScore.__table__.c.period, BoardScore.__table__.c.points)


def _hidden(person_id) -> sa.ColumnElement[bool]:
    """The person's wide-board privacy setting as an SQL value (false without a setting)."""
    return sa.func.coalesce(sa.select(BoardPrivacy.hidden_wide).where(BoardPrivacy.person_id == person_id)
                            .scalar_subquery(), sa.false())


def week_score(person: Person, at: datetime) -> tuple[int, datetime | None]:
    """(points, reached_at) on the person's store week board for the week of `at`."""
    start = periods.starts(at, zone_for(person))[periods.WEEK]
    row = db.session.execute(_WEEK_SCORE, {"person_id": person.id, "start": start}).first()
    return (row[0], row[1]) if row else (0, None)


# Built once (every award reads it): building a statement costs more CPU than running it.
_WEEK_SCORE = sa.select(BoardScore.points, BoardScore.reached_at).where(
    BoardScore.person_id == sa.bindparam("person_id"), BoardScore.period == periods.WEEK,
    BoardScore.period_start == sa.bindparam("start"))


def overtaken_by(person: Person, at: datetime, before: tuple[int, datetime | None], new_points: int,
                 limit: int = 20) -> list[Overtaken]:
    """Colleagues who ranked above `person` on the store's week board before their score went up from
    `before` to `new_points`, and rank below now."""
    if person.store_id is None:
        return []
    old_points, old_reached = before
    if new_points <= old_points:
        return []
    start = periods.starts(at, zone_for(person))[periods.WEEK]
    rows = db.session.execute(prepared("overtaken_by", _build_overtaken_by), {
        "store_id": person.store_id, "start": start, "person_id": person.id, "old_points": old_points,
        "old_reached": old_reached, "new_points": new_points, "limit": limit})
    return [Overtaken(person_id, points) for person_id, points in rows]


def _build_overtaken_by() -> sa.Select:
    # Built once with parameters (every award asks): building it per call was a sixth of an award's CPU.
    # Above before: more points, or as many reached earlier (no earlier score: `reached_at <= NULL` is
    # never true). Below now: fewer points than the new score.
    old_points = sa.bindparam("old_points")
    was_above = sa.or_(BoardScore.points > old_points,
                       sa.and_(BoardScore.points == old_points, BoardScore.reached_at <= sa.bindparam("old_reached")))
    return (sa.select(BoardScore.person_id, BoardScore.points)
            .where(BoardScore.store_id == sa.bindparam("store_id"), BoardScore.period == periods.WEEK,
                   BoardScore.period_start == sa.bindparam("start"), BoardScore.active.is_(True),
                   BoardScore.person_id != sa.bindparam("person_id"), BoardScore.points > 0,
                   BoardScore.points < sa.bindparam("new_points"), was_above)
            .order_by(BoardScore.points.desc()).limit(sa.bindparam("limit")))


# Rebuild ---------------------------------------------------------------------------------------

def rebuild_scores() -> int:
    """Recompute every period score from the ledger, in bulk (the demo writes history without going
    through the signals). Streams the entries; returns how many score rows were written."""
    homes = {}
    flags = {}  # who counts on the boards: the person's active flag and privacy setting
    for person_id, store_id, district_id, person_district, timezone, active, hidden in db.session.execute(
            sa.select(Person.id, Person.store_id, Store.district_id, Person.district_id, Store.timezone,
                      Person.active, BoardPrivacy.hidden_wide)
            .outerjoin(Store, Store.id == Person.store_id)
            .outerjoin(BoardPrivacy, BoardPrivacy.person_id == Person.id)):
        homes[person_id] = (store_id, district_id or person_district, timezone)
        flags[person_id] = (active, bool(hidden))
    zones: dict[str | None, object] = {}
    totals: dict[tuple[int, str, object], list] = {}
    # Points count in the periods they were earned in, less their reversal whenever it came (the points'
    # rule, which the live listeners apply too); the score was reached when it last changed.
    entries = windows.earned_entries(by=windows.PERSON).execution_options(yield_per=REBUILD_BATCH)
    for person_id, points, earned_at, _entry_id, reversed_at in db.session.execute(entries):
        store_id, district_id, timezone = homes.get(person_id, (None, None, None))
        tz = zones.get(timezone) or zones.setdefault(timezone, zone_named(timezone))
        changed_at = max(earned_at, reversed_at) if reversed_at is not None else earned_at
        for period, start in periods.starts(earned_at, tz).items():
            total = totals.setdefault((person_id, period, start), [0, changed_at])
            total[0] += points
            total[1] = max(total[1], changed_at)
    db.session.execute(sa.delete(BoardScore), execution_options={"synchronize_session": False})
    rows = []
    for (person_id, period, start), (points, reached_at) in totals.items():
        store_id, district_id, _timezone = homes.get(person_id, (None, None, None))
        active, hidden = flags.get(person_id, (True, False))
        rows.append({"person_id": person_id, "period": period, "period_start": start, "store_id": store_id,
                     "district_id": district_id, "points": points, "reached_at": reached_at, "active": active,
                     "hidden_wide": hidden})
        if len(rows) >= REBUILD_BATCH:
            db.session.execute(sa.insert(BoardScore), rows)
            rows = []
    if rows:
        db.session.execute(sa.insert(BoardScore), rows)
    for statement in refill_points():  # the triggers kept it row by row; recomputed, it is exact whatever came before
        db.session.execute(statement)
    db.session.flush()
    return len(totals)


def refill_points() -> tuple[sa.Delete, sa.Insert]:
    """The company board's histogram (BoardPoints) computed afresh from the scores: for a rebuild, and for
    a bulk load that skipped the database triggers which keep it otherwise (bench/scale_data)."""
    scores, points = BoardScore.__table__, BoardPoints.__table__
    return sa.delete(points), points.insert().from_select(
        ["period", "period_start", "points", "members"],
        sa.select(scores.c.period, scores.c.period_start, scores.c.points, sa.func.count())
        .where(scores.c.active.is_(True), scores.c.hidden_wide.is_(False), scores.c.points > 0)
        .group_by(scores.c.period, scores.c.period_start, scores.c.points))


# Privacy ---------------------------------------------------------------------------------------

def is_hidden(person_id: int) -> bool:
    return bool(db.session.scalar(sa.select(BoardPrivacy.hidden_wide).where(BoardPrivacy.person_id == person_id)))


def set_hidden(person: Person, hidden: bool) -> None:
    """Hide from (or show again on) district and company boards; the person still sees their own rank."""
    statement = dialect_insert(BoardPrivacy).values(person_id=person.id, hidden_wide=hidden, updated_at=utcnow())
    db.session.execute(statement.on_conflict_do_update(
        index_elements=["person_id"], set_={"hidden_wide": hidden, "updated_at": statement.excluded.updated_at}))
    # Every score row carries the setting: the wide boards count from the score index alone.
    db.session.execute(sa.update(BoardScore).where(BoardScore.person_id == person.id).values(hidden_wide=hidden),
                       execution_options={"synchronize_session": False})
    db.session.flush()
