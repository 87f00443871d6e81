"""Seasons: a league's months. The first season groups similar stores (by headcount, largest first)
into divisions; each later one closes the previous month, freezes its standings and moves the top two of
each division up and the bottom two down.

`ensure_season` is idempotent: the (league, month) pair is unique, so a second run, a second job
consumer or a retry finds the season and changes nothing."""

import math
from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from app.core.models import utcnow
from app.extensions import db
from app.leagues import periods
from app.leagues.headcounts import headcounts
from app.leagues.models import League, LeagueMembership, LeagueSeason, Movement
from app.leagues.standings import season_standings
from app.org.models import Store


def league_store_ids(league: League) -> list[int]:
    query = sa.select(Store.id)
    if league.district_id is not None:
        query = query.where(Store.district_id == league.district_id)
    return list(db.session.scalars(query.order_by(Store.id)))


def season_for(league: League, month: date) -> LeagueSeason | None:
    return db.session.scalar(sa.select(LeagueSeason).where(LeagueSeason.league_id == league.id,
                                                           LeagueSeason.month == month))


def latest_season(league_id: int) -> LeagueSeason | None:
    return db.session.scalar(sa.select(LeagueSeason).where(LeagueSeason.league_id == league_id)
                             .order_by(LeagueSeason.month.desc()).limit(1))


def split_into_divisions(store_ids_by_size: list[int], size: int) -> list[list[int]]:
    """Consecutive groups as even as possible (sizes differ by one at most), none larger than `size`:
    13 stores in divisions of 6 make 5, 4 and 4, never 6, 6 and a lonely 1."""
    if not store_ids_by_size:
        return []
    count = math.ceil(len(store_ids_by_size) / max(size, 2))
    base, extra = divmod(len(store_ids_by_size), count)
    groups, start = [], 0
    for number in range(count):
        length = base + (1 if number < extra else 0)
        groups.append(store_ids_by_size[start:start + length])
        start += length
    return groups


def first_divisions(league: League, month: date) -> dict[int, tuple[int, str]]:
    """{store_id: (division, movement)} for a league's first season: similar stores together."""
    store_ids = league_store_ids(league)
    heads = headcounts(store_ids, month)
    names = dict(db.session.execute(sa.select(Store.id, Store.name).where(Store.id.in_(store_ids))).all())
    ordered = sorted(store_ids, key=lambda store_id: (-heads[store_id].value, names[store_id].lower(), store_id))
    return {store_id: (number, Movement.NEW)
            for number, group in enumerate(split_into_divisions(ordered, league.division_size), start=1)
            for store_id in group}


def close_season(season: LeagueSeason) -> None:
    """Freeze the final standings on the memberships. Flushes; a closed season is left alone."""
    if season.closed_at is not None:
        return
    divisions = season_standings(season, until=periods.month_end(season.month))
    standing = {row.store_id: row for division in divisions for row in division.rows}
    for membership in db.session.scalars(sa.select(LeagueMembership)
                                         .where(LeagueMembership.season_id == season.id)):
        row = standing[membership.store_id]
        membership.final_rank = row.rank
        membership.final_score = row.score.score
        membership.final_value = row.score.value
        membership.final_base = row.score.base
    season.closed_at = utcnow()
    db.session.flush()


def next_divisions(league: League, previous: LeagueSeason) -> dict[int, tuple[int, str]]:
    """Promotion and relegation from a closed season; stores new to the league start at the bottom."""
    placement: dict[int, tuple[int, str]] = {}
    in_league = set(league_store_ids(league))
    divisions = season_standings(previous)
    for division in divisions:
        for row in division.rows:
            if row.store_id not in in_league:
                continue  # moved to another district: leaves a district league
            if row.zone == "up":
                placement[row.store_id] = (division.number - 1, Movement.PROMOTED)
            elif row.zone == "down":
                placement[row.store_id] = (division.number + 1, Movement.RELEGATED)
            else:
                placement[row.store_id] = (division.number, Movement.STAYED)
    newcomers = sorted(in_league - placement.keys())
    if newcomers:
        bottom = max((number for number, _movement in placement.values()), default=1)
        in_bottom = sum(1 for number, _movement in placement.values() if number == bottom)
        for store_id in newcomers:
            if in_bottom >= league.division_size and placement:
                bottom, in_bottom = bottom + 1, 0
            placement[store_id] = (bottom, Movement.NEW)
            in_bottom += 1
    return placement


def ensure_season(league: League, month: date) -> LeagueSeason:
    """The league's season for `month`, created (with its divisions) if missing. Flushes."""
    existing = season_for(league, month)
    if existing is not None:
        return existing
    previous = db.session.scalar(
        sa.select(LeagueSeason).where(LeagueSeason.league_id == league.id, LeagueSeason.month < month)
        .order_by(LeagueSeason.month.desc()).limit(1))
    if previous is not None:
        close_season(previous)
        placement = next_divisions(league, previous)
    else:
        placement = first_divisions(league, month)
    try:
        with db.session.begin_nested():
            season = LeagueSeason(league_id=league.id, month=month)
            db.session.add(season)
            db.session.flush()
            db.session.add_all(LeagueMembership(season_id=season.id, store_id=store_id, division=division,
                                                movement=movement)
                               for store_id, (division, movement) in placement.items())
            db.session.flush()
    except IntegrityError:  # another consumer made it a moment ago
        return season_for(league, month)
    return season


def ensure_current_seasons(today: date | None = None) -> int:
    """Open this month's season of every active league (closing last month's). Returns how many were made."""
    month = periods.month_start(today or periods.today())
    created = 0
    for league in db.session.scalars(sa.select(League).where(League.active.is_(True)).order_by(League.id)):
        if season_for(league, month) is None:
            ensure_season(league, month)
            created += 1
    return created
