"""Divisions of similar stores, and the month-start promotion and relegation (idempotent)."""

import sqlalchemy as sa

from app.extensions import db
from app.leagues import seasons
from app.leagues.jobs import roll_league_seasons
from app.leagues.models import League, LeagueMembership, LeagueSeason, Movement
from app.leagues.seasons import ensure_current_seasons, ensure_season, split_into_divisions
from tests import factories
from tests.leagues.conftest import earn, memberships, mid_month, staffed_store


def test_split_into_divisions_keeps_them_even():
    assert [len(group) for group in split_into_divisions(list(range(13)), 6)] == [5, 4, 4]
    assert [len(group) for group in split_into_divisions(list(range(12)), 6)] == [6, 6]
    assert split_into_divisions([], 6) == []


def test_first_season_groups_similar_stores_largest_first(app, this_month):
    district = factories.make_district()
    sizes = {}
    for people in (1, 9, 3, 7, 5, 11):
        store, _ = staffed_store(district, people)
        sizes[store.id] = people
    league = League(name="L", basis="per_head", division_size=3)
    db.session.add(league)
    db.session.flush()

    placed = memberships(ensure_season(league, this_month).id)
    by_division = {}
    for store_id, (division, movement) in placed.items():
        assert movement == Movement.NEW
        by_division.setdefault(division, set()).add(sizes[store_id])
    assert by_division == {1: {11, 9, 7}, 2: {5, 3, 1}}


def _two_divisions(this_month, last_month):
    """Eight stores of 2 people in divisions of 4, last month's points decide the moves."""
    district = factories.make_district()
    stores = []
    for index in range(8):
        store, people = staffed_store(district, 2, f"Store {index}")
        stores.append((store, people))
    league = League(name="L", basis="per_head", division_size=4)
    db.session.add(league)
    db.session.flush()
    previous = ensure_season(league, last_month)
    placed = memberships(previous.id)
    points = {1: [40, 30, 20, 10], 2: [80, 70, 5, 1]}
    seen = {1: 0, 2: 0}
    for store, people in stores:
        division = placed[store.id][0]
        earn(people[0], points[division][seen[division]], when=mid_month(last_month))
        seen[division] += 1
    db.session.commit()
    return league, previous, stores, placed


def test_month_change_promotes_and_relegates_once(app, this_month, last_month):
    league, previous, stores, placed = _two_divisions(this_month, last_month)

    roll_league_seasons()
    roll_league_seasons()  # run twice = once
    assert ensure_current_seasons() == 0

    seasons_made = db.session.scalars(sa.select(LeagueSeason).where(LeagueSeason.league_id == league.id)).all()
    assert len(seasons_made) == 2
    db.session.expire_all()
    closed = db.session.get(LeagueSeason, previous.id)
    assert closed.closed_at is not None
    finals = {row.store_id: row for row in db.session.scalars(
        sa.select(LeagueMembership).where(LeagueMembership.season_id == previous.id))}
    assert all(row.final_rank is not None for row in finals.values())

    current = seasons.season_for(league, this_month)
    moved = memberships(current.id)
    count = db.session.scalar(sa.select(sa.func.count()).select_from(LeagueMembership)
                              .where(LeagueMembership.season_id == current.id))
    assert count == 8
    for store, _people in stores:
        division = placed[store.id][0]
        rank = finals[store.id].final_rank
        if division == 1 and rank >= 3:
            assert moved[store.id] == (2, Movement.RELEGATED)
        elif division == 2 and rank <= 2:
            assert moved[store.id] == (1, Movement.PROMOTED)
        else:
            assert moved[store.id] == (division, Movement.STAYED)


def test_closed_season_keeps_frozen_standings(app, this_month, last_month):
    league, previous, stores, _placed = _two_divisions(this_month, last_month)
    ensure_current_seasons()
    db.session.commit()
    store, people = stores[0]
    earn(people[1], 500, when=mid_month(last_month))  # a late entry dated last month changes nothing now
    db.session.commit()
    from app.leagues.standings import season_standings

    rows = {row.store_id: row for division in season_standings(db.session.get(LeagueSeason, previous.id))
            for row in division.rows}
    frozen = db.session.scalar(sa.select(LeagueMembership).where(LeagueMembership.season_id == previous.id,
                                                                 LeagueMembership.store_id == store.id))
    assert rows[store.id].score.value == frozen.final_value != frozen.final_value + 500


def test_a_new_store_joins_the_bottom_division(app, this_month, last_month):
    league, _previous, _stores, _placed = _two_divisions(this_month, last_month)
    newcomer, _ = staffed_store(factories.make_district(), 3)
    league.district_id = None  # company league: every store
    db.session.commit()
    ensure_current_seasons()
    moved = memberships(seasons.season_for(league, this_month).id)
    assert moved[newcomer.id] == (3, Movement.NEW)  # the bottom division was full (4): a new one opens
