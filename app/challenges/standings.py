"""Who leads a challenge: the one place that turns a challenge's metric into ranked standings.

- points: the points earned in the window (app/points/windows.py: a reversal, whenever it comes, takes its
  points out of the window they were earned in), challenge prizes left out (a prize from one challenge
  never pushes anyone up another). Store challenges group them by the store they were earned in.
- missions: assignments completed in the window.
- kpi: `app.kpis.aggregation.store_values` over the window's days (store challenges only).

The window runs from `window_start` (the first day, or the publishing moment if that came later) to the
end. KPIs are daily figures, so a KPI challenge counts its first day whole.

Store challenges on points and missions are normalised per head (active people of the store), so a small
store can beat a big one; a race's target is then per head too.

Races rank those who crossed the target by when they crossed it; rankings by score. Ties share a rank
(1, 1, 3); the display order among tied entrants is by name."""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa

from app.challenges.models import Challenge, Format, Metric, challenge_stores
from app.core.models import utcnow
from app.core.ranking import competition_ranks
from app.core.timezones import local_date, zone_named
from app.extensions import db
from app.kpis import aggregation
from app.missions.models import AssignmentStatus, MissionAssignment
from app.org.models import Person, Role, Store
from app.points import windows

# Challenge prizes never count towards another challenge.
PRIZE_SOURCE = "challenge"
COMPETING_ROLES = (Role.STAFF, Role.STORE_MANAGER)
_TICK = timedelta(microseconds=1)


@dataclass
class Standing:
    rank: int
    entrant_id: int  # a person's id, or a store's for store challenges
    name: str        # display name ("Giulia R.") or store name: nothing more personal
    score: float
    reached_at: datetime | None = None  # races: when the target was crossed
    winner: bool = False


def store_ids(challenge: Challenge) -> list[int]:
    return list(db.session.scalars(sa.select(challenge_stores.c.store_id)
                                   .where(challenge_stores.c.challenge_id == challenge.id)))


def participants(challenge: Challenge, stores: list[int] | None = None) -> list[tuple[int, str, str]]:
    """(id, full name, store id) of the people competing in an individual challenge: active staff and
    store managers of its stores, never its author (nobody pays themselves a prize)."""
    stores = store_ids(challenge) if stores is None else stores
    if not stores:
        return []
    query = (sa.select(Person.id, Person.full_name, Person.store_id)
             .where(Person.store_id.in_(stores), Person.active.is_(True), Person.role.in_(COMPETING_ROLES)))
    if challenge.created_by_id is not None:
        query = query.where(Person.id != challenge.created_by_id)
    return list(db.session.execute(query.order_by(Person.full_name)))


def _display_name(full_name: str) -> str:
    parts = full_name.split()
    return f"{parts[0]} {parts[-1][0]}." if len(parts) > 1 else full_name


def local_day(challenge: Challenge, moment: datetime) -> date:
    """The day a naive-UTC moment falls on in the challenge's stores."""
    return local_date(moment, zone_named(challenge.timezone))


def window_start(challenge: Challenge) -> datetime:
    """When counting begins: its first day's 00:00, or the moment it was published when that came later.
    A challenge published at 15:00 on its first day counts from 15:00: nobody wins on points earned
    before anyone knew the challenge existed."""
    if challenge.published_at is not None and challenge.published_at > challenge.starts_at:
        return challenge.published_at
    return challenge.starts_at


def _window_end(challenge: Challenge, now: datetime | None) -> datetime:
    return min(now or utcnow(), challenge.ends_at)


# Raw scores: {entrant id: total} and, for races, the timeline of increments ----------------------------

def _point_rows(challenge: Challenge, end: datetime, entrants: list[int], by_store: bool):
    # Points windows leave out their end; ours counts its last moment, so it ends one tick (the timestamps'
    # resolution) later.
    earned = windows.earned_entries(by=windows.STORE if by_store else windows.PERSON, start=window_start(challenge),
                                    end=end + _TICK, among=entrants, excluding_source=PRIZE_SOURCE).subquery()
    return sa.select(earned.c.owner, earned.c.points, earned.c.earned_at, earned.c.entry_id)


def _mission_rows(challenge: Challenge, end: datetime, entrants: list[int], by_store: bool):
    start = window_start(challenge)
    key = Person.store_id if by_store else MissionAssignment.person_id
    return (sa.select(key, sa.literal(1), MissionAssignment.completed_at, MissionAssignment.id)
            .join(Person, Person.id == MissionAssignment.person_id)
            .where(MissionAssignment.status == AssignmentStatus.DONE,
                   MissionAssignment.completed_at >= start, MissionAssignment.completed_at <= end,
                   key.in_(entrants)))


def _totals(rows_query) -> dict[int, float]:
    subquery = rows_query.subquery()
    columns = list(subquery.c)
    return {entrant: float(total) for entrant, total in db.session.execute(
        sa.select(columns[0], sa.func.sum(columns[1])).group_by(columns[0]))}


def _crossings(rows_query, target: float, divisors: dict[int, float], candidates: set[int]) -> dict[int, datetime]:
    """When each candidate's running total (÷ its divisor) first reached `target`."""
    if not candidates:
        return {}
    subquery = rows_query.subquery()
    columns = list(subquery.c)
    running: dict[int, float] = defaultdict(float)
    crossed: dict[int, datetime] = {}
    for entrant, amount, moment, _id in db.session.execute(
            sa.select(*columns).where(columns[0].in_(candidates)).order_by(columns[2], columns[3])):
        if entrant in crossed:
            continue
        running[entrant] += float(amount)
        if running[entrant] / divisors.get(entrant, 1) >= target:
            crossed[entrant] = moment
    return crossed


def _headcounts(stores: list[int]) -> dict[int, int]:
    return dict(db.session.execute(
        sa.select(Person.store_id, sa.func.count(Person.id))
        .where(Person.store_id.in_(stores), Person.active.is_(True), Person.role.in_(COMPETING_ROLES))
        .group_by(Person.store_id)).all())


# Ranking -------------------------------------------------------------------------------------------------

def _rank(entries: list[Standing], key) -> list[Standing]:
    """Competition ranking (1, 1, 3) by `key`; tied entrants are listed by name."""
    ranked = competition_ranks(entries, key=key, tiebreak=lambda s: (s.name.casefold(), s.entrant_id))
    for rank, standing in ranked:
        standing.rank = rank
    return [standing for _rank, standing in ranked]


def compute(challenge: Challenge, now: datetime | None = None) -> list[Standing]:
    """The standings of `challenge` as of `now` (capped at its end), winners marked."""
    if now is not None and now < window_start(challenge):
        return []
    end = _window_end(challenge, now)
    stores = store_ids(challenge)
    lower_is_better = False
    reached: dict[int, datetime] = {}
    if challenge.for_stores:
        names = dict(db.session.execute(sa.select(Store.id, Store.name).where(Store.id.in_(stores))).all())
        entrants = list(names)
    else:
        people = participants(challenge, stores)
        names = {person_id: _display_name(full_name) for person_id, full_name, _store in people}
        entrants = list(names)

    if challenge.metric == Metric.KPI:
        kpi = challenge.kpi
        lower_is_better = kpi is not None and not kpi.higher_is_better
        values = aggregation.store_values(kpi, entrants, challenge.starts_on, local_day(challenge, end)) if kpi else {}
        scores = {entrant: value for entrant, value in values.items()}
    else:
        rows = (_point_rows if challenge.metric == Metric.POINTS else _mission_rows)(
            challenge, end, entrants, challenge.for_stores)
        totals = _totals(rows)
        divisors = {}
        if challenge.for_stores:
            divisors = {store_id: max(count, 1) for store_id, count in _headcounts(entrants).items()}
        scores = {entrant: totals.get(entrant, 0.0) / divisors.get(entrant, 1) for entrant in entrants}
        if challenge.format == Format.RACE and challenge.target is not None:
            candidates = {entrant for entrant, score in scores.items() if score >= challenge.target}
            reached = _crossings(rows, challenge.target, divisors, candidates)

    standings = [Standing(0, entrant, names[entrant], round(score, 2) if score is not None else None,
                          reached.get(entrant)) for entrant, score in scores.items()]
    if challenge.format == Format.RACE:
        never = datetime.max
        ranked = _rank(standings, lambda s: (s.reached_at is None, s.reached_at or never, -(s.score or 0)))
        for standing in ranked:
            standing.winner = standing.reached_at is not None and standing.rank <= challenge.winners_count
    else:
        def by_score(s: Standing):
            if s.score is None:
                return (1, 0.0)
            return (0, s.score if lower_is_better else -s.score)
        ranked = _rank(standings, by_score)
        for standing in ranked:
            scored = standing.score is not None and (lower_is_better or standing.score > 0)
            standing.winner = scored and standing.rank <= challenge.winners_count
    return ranked


def position_of(standings: list[Standing], entrant_id: int) -> tuple[Standing | None, Standing | None]:
    """(the entrant's line, the line just ahead of them) — for "3rd, 12 points behind Giulia R."."""
    for index, standing in enumerate(standings):
        if standing.entrant_id == entrant_id:
            ahead = next((other for other in reversed(standings[:index]) if other.rank < standing.rank), None)
            return standing, ahead
    return None, None
